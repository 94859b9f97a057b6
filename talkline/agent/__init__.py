"""Agents: conversation state, tools and the ledger, the offline skill agent, the LLM agent."""
