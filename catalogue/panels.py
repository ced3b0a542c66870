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


class PublicInformationPanel(panels.Panel):
    """Lists what a session's public page does not say yet of what Qualiopi's indicator 1 asks,
    from the last saved version: editors complete it before publishing."""

    class BoundPanel(panels.Panel.BoundPanel):
        template_name = "catalogue/panels/public_information.html"

        def get_context_data(self, parent_context=None):
            from .information import REQUIRED_INFORMATION, disability_referent, missing_information

            context = super().get_context_data(parent_context)
            session = self.instance
            missing = missing_information(session, referent=disability_referent(self.request))
            context["missing"] = [REQUIRED_INFORMATION[name] for name in missing]
            context["saved"] = session.pk is not None
            context["instance"] = session
            return context
