"""What a client shows of a profile (the `talkline` object of a `/v1/models` entry): a title and a summary
in the user's languages, the options a caller may choose and their choices, whether the agent speaks
first, and the application's page module the web shell imports to draw the application's own parts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Localized = dict[str, str]  # {"en": …, "ko": …}


class _Card(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OptionChoice(_Card):
    value: str
    title: Localized
    summary: Localized | None = None


class ProfileOption(_Card):
    """An option of the profile (`?scenario=mart`, a client secret's `talkline.options`)."""

    name: str
    title: Localized
    default: str | None = None
    choices: list[OptionChoice] = Field(default_factory=list)


class ProfileCard(_Card):
    title: Localized
    summary: Localized
    languages: list[str] = Field(default_factory=list)
    opens_call: bool = False  # the agent speaks first: the page sends `response.create` once connected
    options: list[ProfileOption] = Field(default_factory=list)
    page_module: str | None = None  # URL of the application's ES module (under /apps/{application}/)

    @classmethod
    def plain(cls, name: str, description: str, language: str | None) -> ProfileCard:
        """The card of a profile that brings none (one defined in the profiles file)."""
        return cls(title={"en": name, "ko": name}, summary={"en": description, "ko": description},
                   languages=[language] if language else [])

    def renamed(self, name: str, description: str | None) -> ProfileCard:
        """The card of a profile built on this one's (the profiles file's `base`)."""
        summary = {"en": description, "ko": description} if description else self.summary
        return self.model_copy(update={"title": {"en": name, "ko": name}, "summary": summary})
