"""Admin panels worded for French editors."""

from wagtail.admin import panels


class InlinePanel(panels.InlinePanel):
    """An inline panel whose button names what it adds with its article: « Ajouter une date ».

    Wagtail's French for its button is « Ajouter un(e) <label> », whatever the gender.
    """

    def __init__(self, *args, add_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.add_label = add_label

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "add_label": self.add_label}

    class BoundPanel(panels.InlinePanel.BoundPanel):
        template_name = "catalogue/panels/inline_panel.html"
