//! The read-only configuration a desktop reads for its user (guide chapter 3 "User—Get Reason
//! Code (List)", "Get Wrap-Up Reason (List)", "Get (Default) Media Properties Layout(s)", "Get
//! List of Phone Books", "Get List of Workflows"), from the scenario: global objects and those
//! assigned to the user's team.

use finesse_model::{
    Contact, Contacts, LayoutColumn, LayoutEntry, LayoutId, LayoutType, MediaPropertiesLayout,
    MediaPropertiesLayouts, PhoneBook, PhoneBookType, PhoneBooks, ReasonCode, ReasonCodeCategory,
    ReasonCodeId, ReasonCodes, WrapUpReason, WrapUpReasonId, WrapUpReasons,
};

use super::errors;
use super::model::Ax;
use super::{ApiFailure, Engine};
use crate::scenario::LayoutConfig;

impl Engine {
    /// Reason codes of `category` that apply to agent `a`: global ones and those of its team.
    pub(crate) fn applicable_reason_codes(
        &self,
        a: Ax,
        category: &ReasonCodeCategory,
    ) -> Vec<usize> {
        let team = self.sc.agents[a].team.as_ref();
        self.sc
            .reason_codes
            .iter()
            .enumerate()
            .filter(|(_, r)| &r.category == category)
            .filter(|(_, r)| r.for_all || team.is_some_and(|t| r.teams.contains(t)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Wrap-up reasons that apply to agent `a`.
    pub(crate) fn applicable_wrap_up_reasons(&self, a: Ax) -> Vec<usize> {
        let team = self.sc.agents[a].team.as_ref();
        self.sc
            .wrap_up_reasons
            .iter()
            .enumerate()
            .filter(|(_, w)| w.for_all || team.is_some_and(|t| w.teams.contains(t)))
            .map(|(i, _)| i)
            .collect()
    }

    /// `ReasonCodes?category=` (400 Parameter Missing without a category, 400 Invalid Input for
    /// another value; the list may be empty).
    pub(crate) fn reason_codes_for(
        &self,
        a: Ax,
        category: Option<&str>,
    ) -> Result<ReasonCodes, ApiFailure> {
        let category = category
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| errors::parameter_missing("category"))?;
        let category = ReasonCodeCategory::from_wire(category);
        if !matches!(category, ReasonCodeCategory::NotReady | ReasonCodeCategory::Logout) {
            return Err(errors::invalid_input("category", "The category is NOT_READY or LOGOUT"));
        }
        let codes = self
            .applicable_reason_codes(a, &category)
            .into_iter()
            .filter_map(|i| self.reason_code_object(i, false))
            .collect();
        Ok(ReasonCodes { category: Some(category), reason_codes: codes })
    }

    /// One reason code, if it applies to the user (404 otherwise).
    pub(crate) fn reason_code_for(
        &self,
        a: Ax,
        id: &ReasonCodeId,
    ) -> Result<ReasonCode, ApiFailure> {
        [ReasonCodeCategory::NotReady, ReasonCodeCategory::Logout]
            .iter()
            .flat_map(|c| self.applicable_reason_codes(a, c))
            .find(|&i| &self.sc.reason_codes[i].id == id)
            .and_then(|i| self.reason_code_object(i, false))
            .ok_or_else(|| {
                errors::not_found("The reason code does not exist for the user", id.as_str())
            })
    }

    fn wrap_up_object(&self, i: usize) -> Option<WrapUpReason> {
        let w = self.sc.wrap_up_reasons.get(i)?;
        Some(WrapUpReason {
            uri: Some(format!("/finesse/api/WrapUpReason/{}", w.id)),
            id: None,
            label: Some(w.label.clone()),
            for_all: Some(w.for_all),
        })
    }

    /// The user's wrap-up reasons.
    pub(crate) fn wrap_up_reasons_for(&self, a: Ax) -> WrapUpReasons {
        WrapUpReasons::from(
            self.applicable_wrap_up_reasons(a)
                .into_iter()
                .filter_map(|i| self.wrap_up_object(i))
                .collect::<Vec<_>>(),
        )
    }

    /// One wrap-up reason, if it applies to the user (404 otherwise).
    pub(crate) fn wrap_up_reason_for(
        &self,
        a: Ax,
        id: &WrapUpReasonId,
    ) -> Result<WrapUpReason, ApiFailure> {
        self.applicable_wrap_up_reasons(a)
            .into_iter()
            .find(|&i| &self.sc.wrap_up_reasons[i].id == id)
            .and_then(|i| self.wrap_up_object(i))
            .ok_or_else(|| {
                errors::not_found("The wrap-up reason does not exist for the user", id.as_str())
            })
    }

    fn layout_object(l: &LayoutConfig) -> MediaPropertiesLayout {
        let entry = |e: &crate::scenario::LayoutEntryConfig| LayoutEntry {
            display_name: Some(e.display_name.clone()),
            media_property: Some(e.media_property.clone()),
        };
        MediaPropertiesLayout {
            uri: Some(format!("/finesse/api/MediaPropertiesLayout/{}", l.id)),
            id: None,
            name: Some(l.name.clone()),
            description: Some(l.description.clone()).filter(|d| !d.is_empty()),
            kind: Some(if l.default { LayoutType::Default } else { LayoutType::Custom }),
            header: l.header.as_ref().map(|h| LayoutColumn { entry: vec![entry(h)] }),
            column: l
                .columns
                .iter()
                .map(|c| LayoutColumn { entry: c.iter().map(entry).collect() })
                .collect(),
        }
    }

    /// The system default layout (id 0: callVariable1 in the header, callVariable1–10 in two
    /// columns), used when the scenario has none.
    fn system_default_layout() -> LayoutConfig {
        let entry = |i: usize| crate::scenario::LayoutEntryConfig {
            display_name: format!("Call Variable {i}"),
            media_property: format!("callVariable{i}"),
        };
        LayoutConfig {
            id: LayoutId::from("0"),
            name: "Default Layout".to_owned(),
            description:
                "Layout used when no other layout matches the user layout Custom/ECC Variable"
                    .to_owned(),
            default: true,
            header: Some(entry(1)),
            columns: vec![(1..=5).map(entry).collect(), (6..=10).map(entry).collect()],
        }
    }

    fn default_layout(&self) -> LayoutConfig {
        self.sc
            .layouts
            .iter()
            .find(|l| l.default)
            .cloned()
            .unwrap_or_else(Self::system_default_layout)
    }

    fn team_layout(&self, a: Ax) -> Option<&LayoutConfig> {
        let team = self.sc.agents[a].team.as_ref()?;
        let id = self.sc.teams.iter().find(|t| &t.id == team)?.layout.as_ref()?;
        self.sc.layouts.iter().find(|l| &l.id == id)
    }

    /// The user's layout: the team's, else the default.
    pub(crate) fn layout_for(&self, a: Ax) -> MediaPropertiesLayout {
        Self::layout_object(self.team_layout(a).unwrap_or(&self.default_layout()))
    }

    /// The user's layouts: the default and the team's.
    pub(crate) fn layouts_for(&self, a: Ax) -> MediaPropertiesLayouts {
        let default = self.default_layout();
        let mut list = vec![Self::layout_object(&default)];
        if let Some(team) = self.team_layout(a).filter(|l| l.id != default.id) {
            list.push(Self::layout_object(team));
        }
        MediaPropertiesLayouts::from(list)
    }

    /// Global phone books, then the team's, with their contacts.
    pub(crate) fn phone_books_for(&self, a: Ax) -> PhoneBooks {
        let team = self.sc.agents[a].team.as_ref();
        let books = self.sc.phone_books.iter();
        let global = books.clone().filter(|p| p.kind == PhoneBookType::Global);
        let teams = books
            .filter(|p| p.kind == PhoneBookType::Team && team.is_some_and(|t| p.teams.contains(t)));
        PhoneBooks::from(
            global
                .chain(teams)
                .map(|p| PhoneBook {
                    uri: Some(format!("/finesse/api/PhoneBook/{}", p.id)),
                    id: None,
                    name: Some(p.name.clone()),
                    kind: Some(p.kind.clone()),
                    contacts: None,
                    embedded_contacts: Some(Contacts::from(
                        p.contacts
                            .iter()
                            .enumerate()
                            .take(1500)
                            .map(|(i, c)| {
                                let id =
                                    c.id.as_ref()
                                        .map_or_else(|| (i + 1).to_string(), |id| id.to_string());
                                Contact {
                                    id: None,
                                    first_name: Some(c.first_name.clone())
                                        .filter(|s| !s.is_empty()),
                                    last_name: Some(c.last_name.clone()).filter(|s| !s.is_empty()),
                                    phone_number: Some(c.phone_number.clone()),
                                    description: Some(c.description.clone())
                                        .filter(|s| !s.is_empty()),
                                    uri: Some(format!(
                                        "/finesse/api/PhoneBook/{}/Contact/{id}",
                                        p.id
                                    )),
                                }
                            })
                            .collect::<Vec<_>>(),
                    )),
                })
                .collect::<Vec<_>>(),
        )
    }
}
