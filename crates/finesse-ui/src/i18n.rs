//! The texts of the components in English and French.
//!
//! Keys are the English texts themselves ("Ready", "Make a New Call"), so English needs no
//! table and an untranslated text reads as English. French covers every text the components
//! show and every label `finesse-session` produces (agent states, call states, call types, why
//! a state cannot be chosen, why a typed number is refused). Text from the server, such as
//! reason code labels, has no entry and passes through unchanged.

/// The language of the texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// French.
    Fr,
}

impl Locale {
    /// From a Finesse locale preference or a language tag: "fr_FR", "fr-CA", "fr" (any case)
    /// give French; anything else English.
    pub fn from_tag(tag: &str) -> Self {
        let language = tag.trim().split(['_', '-']).next().unwrap_or_default();
        if language.eq_ignore_ascii_case("fr") { Self::Fr } else { Self::En }
    }

    /// The language's code for the `lang` attribute: "en" or "fr".
    pub fn lang(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// Translates an English text (see [`Locale::tr`]), as an owned string for props.
    pub fn t(self, english: &str) -> String {
        self.tr(english).to_owned()
    }

    /// Translates an English text without allocating: English gives the text back; French gives
    /// its translation, or the text itself when it has none (server-provided labels).
    pub fn tr(self, english: &str) -> &str {
        match self {
            Self::En => english,
            Self::Fr => french(english).unwrap_or(english),
        }
    }
}

/// The French of an English text, if the table has it.
fn french(english: &str) -> Option<&'static str> {
    let at = FRENCH.binary_search_by(|(key, _)| (*key).cmp(english)).ok()?;
    FRENCH.get(at).map(|(_, fr)| *fr)
}

/// Every English text that has a translation: what the components show and what
/// `finesse-session` produces. Tests hold the components, the session and [`FRENCH`] to it.
pub const KEYS: &[&str] = &[
    // state labels
    "Signing In",
    "Signed Out",
    "Not Ready",
    "Ready",
    "Reserved",
    "Reserved (Outbound)",
    "Reserved (Preview)",
    "Talking",
    "Hold",
    "Wrap-Up",
    "Unknown",
    // call status labels
    "Off Hook",
    "Dialing",
    "Incoming",
    "Active",
    "Busy",
    "Error",
    "Ended",
    "Accepted",
    // call type labels
    "Inbound",
    "Inbound (direct)",
    "Transfer",
    "Outbound",
    "Internal",
    "Consult",
    "Conference",
    "Silent Monitor",
    "Outbound Campaign",
    "Outbound Preview",
    "Callback",
    "Callback Preview",
    "Personal Callback",
    "Personal Callback Preview",
    "Direct Preview",
    // why a state cannot be chosen (StateMenuItem::why_not, transitions::StateChangeError::describe)
    "your state is not known yet",
    "this is your current state",
    "this is already your pending state",
    "a state change is on its way",
    "choose a wrap-up reason first",
    "the agent is signed out",
    "that state cannot be reached from the current state",
    "during a call only one Not Ready can be chosen, and Ready cannot be chosen",
    "Ready cannot be chosen during a non-routed call",
    "that state cannot be requested",
    // the session's checks of what the agent typed (DialError, validate_dtmf, validate_wrap_up_reason, validate_call_variables)
    "enter a number to call",
    "the number may only contain letters, digits, spaces and punctuation",
    "that is your own extension",
    "numbers starting with + cannot be dialed on this system",
    "enter the digits to send",
    "the keypad sends only 0-9, * and #",
    "the keypad sends only 0-9, *, # and A-D",
    "choose a wrap-up reason",
    "a wrap-up reason is at most 39 bytes",
    "no call variable to set",
    "a call variable has no name",
    // the components' own texts
    "(after call)",
    "A wrap-up reason is required",
    "Agent State",
    "Answer",
    "Apply",
    "Call",
    "Call Controls",
    "Call Data",
    "Call Type",
    "Cancel",
    "Choose a contact",
    "DNIS",
    "Dial",
    "Direct Transfer",
    "Dismiss",
    "Duration",
    "Edit Call Variables",
    "End",
    "Enter a number",
    "Extension",
    "From",
    "Keypad",
    "Make a New Call",
    "No entries",
    "Number",
    "On Hold",
    "Participants",
    "Pending:",
    "Phone Book",
    "Pound",
    "Queue",
    "Retrieve",
    "Save",
    "Select a reason",
    "Sign Out",
    "Star",
    "To",
    "Wrap-Up Reason:",
    // the sign-in form
    "ID",
    "User ID",
    "Password",
    "Sign In",
    "Sign in",
    "Sign in to Finesse",
    "The ID or password is wrong.",
    // the gadgets' own texts
    "Call Control",
    "Loading…",
    "Connecting to the notification service…",
    "The notification connection was lost. Reconnecting…",
    "The notification service refused the credentials.",
    "Another client took over the notification connection.",
    "Not connected to the notification service.",
    "Finesse is out of service. Actions will work again when it is back.",
    "Finesse is out of service (HTTP 503). Actions will work again when it is back.",
    "Finesse is out of service (HTTP 503). The gadget will catch up when it is back.",
    // the team performance gadget and the supervisor's call controls
    "Agents per state",
    "Barge In",
    "Drop",
    "Filter",
    "Idle",
    "Loading the team…",
    "Media State",
    "Name",
    "Name, extension or state",
    "Other",
    "Select an agent to act on.",
    "Show signed-out agents",
    "Start Monitoring",
    "State",
    "Supervisor Actions",
    "Team",
    "Team Members",
    "Team Performance",
    "Time in State",
    "You supervise no team.",
    // the queue statistics gadget
    "Queue Statistics",
    "Calls in queue",
    "Longest call in queue",
    "Talking inbound",
    "Talking outbound",
    "Talking internal",
    "Wrap-Up Ready",
    "Wrap-Up Not Ready",
    "N/A",
    "Totals",
    "Last 30 minutes",
    "Calls waiting, last 30 minutes",
    "{label}: lowest {low}, highest {high}, now {now}",
    "{label}: no data yet",
    "{queue}: {value} calls waiting, at or above the threshold of {limit}.",
    "{queue}: the oldest call has waited {waited}, at or above the threshold of {limit}.",
    "Threshold alerts",
    "Thresholds",
    "{queue}: calls waiting threshold",
    "{queue}: oldest call threshold (seconds)",
    "Save thresholds",
    "Thresholds saved.",
    "The thresholds could not be saved.",
    "A threshold must be a whole number from 1 to 86400.",
    "The thresholds preference is not valid; no thresholds apply.",
    "You are assigned to no queue.",
    "Queue statistics are not available on Unified CCX: the Finesse Queue API is supported with Unified CCE only.",
    "Could not load your queues.",
    "Finesse refused your credentials (HTTP 401). Sign in to the desktop again.",
    "Calls waiting threshold",
    "Oldest call threshold (seconds)",
];

/// The French texts, sorted by their English key (binary search).
pub const FRENCH: &[(&str, &str)] = &[
    ("(after call)", "(après l’appel)"),
    (
        "A threshold must be a whole number from 1 to 86400.",
        "Un seuil doit être un nombre entier de 1 à 86400.",
    ),
    ("A wrap-up reason is required", "Un motif de post-appel est requis"),
    ("Accepted", "Accepté"),
    ("Active", "Actif"),
    ("Agent State", "État de l’agent"),
    ("Agents per state", "Agents par état"),
    (
        "Another client took over the notification connection.",
        "Un autre client a pris la connexion de notification.",
    ),
    ("Answer", "Répondre"),
    ("Apply", "Appliquer"),
    ("Barge In", "Intervenir"),
    ("Busy", "Occupé"),
    ("Call", "Appel"),
    ("Call Control", "Contrôle des appels"),
    ("Call Controls", "Commandes d’appel"),
    ("Call Data", "Données d’appel"),
    ("Call Type", "Type d’appel"),
    ("Callback", "Rappel"),
    ("Callback Preview", "Aperçu de rappel"),
    ("Calls in queue", "Appels en file"),
    ("Calls waiting threshold", "Seuil d’appels en attente"),
    ("Calls waiting, last 30 minutes", "Appels en attente, 30 dernières minutes"),
    ("Cancel", "Annuler"),
    ("Choose a contact", "Choisir un contact"),
    ("Conference", "Conférence"),
    ("Connecting to the notification service…", "Connexion au service de notification…"),
    ("Consult", "Consultation"),
    ("Could not load your queues.", "Impossible de charger vos files d’attente."),
    ("DNIS", "Numéro composé (DNIS)"),
    ("Dial", "Composer"),
    ("Dialing", "Numérotation"),
    ("Direct Preview", "Aperçu direct"),
    ("Direct Transfer", "Transfert direct"),
    ("Dismiss", "Fermer"),
    ("Drop", "Exclure"),
    ("Duration", "Durée"),
    ("Edit Call Variables", "Modifier les variables d’appel"),
    ("End", "Raccrocher"),
    ("Ended", "Terminé"),
    ("Enter a number", "Saisissez un numéro"),
    ("Error", "Erreur"),
    ("Extension", "Poste"),
    ("Filter", "Filtrer"),
    (
        "Finesse is out of service (HTTP 503). Actions will work again when it is back.",
        "Finesse est hors service (HTTP 503). Les actions fonctionneront de nouveau à son retour.",
    ),
    (
        "Finesse is out of service (HTTP 503). The gadget will catch up when it is back.",
        "Finesse est hors service (HTTP 503). Le gadget se mettra à jour à son retour.",
    ),
    (
        "Finesse is out of service. Actions will work again when it is back.",
        "Finesse est hors service. Les actions fonctionneront de nouveau à son retour.",
    ),
    (
        "Finesse refused your credentials (HTTP 401). Sign in to the desktop again.",
        "Finesse a refusé vos identifiants (HTTP 401). Reconnectez-vous au bureau.",
    ),
    ("From", "De"),
    ("Hold", "Attente"),
    ("ID", "Identifiant"),
    ("Idle", "Inactif"),
    ("Inbound", "Entrant"),
    ("Inbound (direct)", "Entrant (direct)"),
    ("Incoming", "Entrant"),
    ("Internal", "Interne"),
    ("Keypad", "Clavier"),
    ("Last 30 minutes", "30 dernières minutes"),
    ("Loading the team…", "Chargement de l’équipe…"),
    ("Loading…", "Chargement…"),
    ("Longest call in queue", "Appel le plus long en file"),
    ("Make a New Call", "Passer un nouvel appel"),
    ("Media State", "État du média"),
    ("N/A", "N/D"),
    ("Name", "Nom"),
    ("Name, extension or state", "Nom, poste ou état"),
    ("No entries", "Aucune entrée"),
    ("Not Ready", "Non prêt"),
    ("Not connected to the notification service.", "Non connecté au service de notification."),
    ("Number", "Numéro"),
    ("Off Hook", "Décroché"),
    ("Oldest call threshold (seconds)", "Seuil de l’appel le plus ancien (secondes)"),
    ("On Hold", "En attente"),
    ("Other", "Autre"),
    ("Outbound", "Sortant"),
    ("Outbound Campaign", "Campagne sortante"),
    ("Outbound Preview", "Aperçu sortant"),
    ("Participants", "Autres participants"),
    ("Password", "Mot de passe"),
    ("Pending:", "Prochain état :"),
    ("Personal Callback", "Rappel personnel"),
    ("Personal Callback Preview", "Aperçu de rappel personnel"),
    ("Phone Book", "Annuaire"),
    ("Pound", "Dièse"),
    ("Queue", "File d’attente"),
    ("Queue Statistics", "Statistiques des files d’attente"),
    (
        "Queue statistics are not available on Unified CCX: the Finesse Queue API is supported with Unified CCE only.",
        "Les statistiques des files d’attente ne sont pas disponibles sur Unified CCX : l’API Queue de Finesse n’est prise en charge qu’avec Unified CCE.",
    ),
    ("Ready", "Prêt"),
    (
        "Ready cannot be chosen during a non-routed call",
        "Prêt ne peut pas être choisi pendant un appel non routé",
    ),
    ("Reserved", "Réservé"),
    ("Reserved (Outbound)", "Réservé (sortant)"),
    ("Reserved (Preview)", "Réservé (aperçu)"),
    ("Retrieve", "Reprendre"),
    ("Save", "Enregistrer"),
    ("Save thresholds", "Enregistrer les seuils"),
    ("Select a reason", "Choisir un motif"),
    ("Select an agent to act on.", "Sélectionnez un agent."),
    ("Show signed-out agents", "Afficher les agents déconnectés"),
    ("Sign In", "Connexion"),
    ("Sign Out", "Déconnexion"),
    ("Sign in", "Se connecter"),
    ("Sign in to Finesse", "Se connecter à Finesse"),
    ("Signed Out", "Déconnecté"),
    ("Signing In", "Connexion en cours"),
    ("Silent Monitor", "Écoute silencieuse"),
    ("Star", "Étoile"),
    ("Start Monitoring", "Démarrer l’écoute"),
    ("State", "État"),
    ("Supervisor Actions", "Actions du superviseur"),
    ("Talking", "En communication"),
    ("Talking inbound", "En conversation entrante"),
    ("Talking internal", "En conversation interne"),
    ("Talking outbound", "En conversation sortante"),
    ("Team", "Équipe"),
    ("Team Members", "Membres de l’équipe"),
    ("Team Performance", "Performance de l’équipe"),
    ("The ID or password is wrong.", "L’identifiant ou le mot de passe est incorrect."),
    (
        "The notification connection was lost. Reconnecting…",
        "La connexion de notification a été perdue. Reconnexion…",
    ),
    (
        "The notification service refused the credentials.",
        "Le service de notification a refusé les identifiants.",
    ),
    ("The thresholds could not be saved.", "Les seuils n’ont pas pu être enregistrés."),
    (
        "The thresholds preference is not valid; no thresholds apply.",
        "La préférence des seuils n’est pas valide ; aucun seuil ne s’applique.",
    ),
    ("Threshold alerts", "Alertes de seuil"),
    ("Thresholds", "Seuils"),
    ("Thresholds saved.", "Seuils enregistrés."),
    ("Time in State", "Temps dans l’état"),
    ("To", "À"),
    ("Totals", "Totaux"),
    ("Transfer", "Transfert"),
    ("Unknown", "Inconnu"),
    ("User ID", "Identifiant de l’utilisateur"),
    ("Wrap-Up", "Post-appel"),
    ("Wrap-Up Not Ready", "Post-appel non prêt"),
    ("Wrap-Up Ready", "Post-appel prêt"),
    ("Wrap-Up Reason:", "Motif de post-appel :"),
    ("You are assigned to no queue.", "Vous n’êtes affecté à aucune file d’attente."),
    ("You supervise no team.", "Vous ne supervisez aucune équipe."),
    ("a call variable has no name", "une variable d’appel n’a pas de nom"),
    ("a state change is on its way", "un changement d’état est en cours"),
    ("a wrap-up reason is at most 39 bytes", "un motif de post-appel fait au plus 39 octets"),
    ("choose a wrap-up reason", "choisissez un motif de post-appel"),
    ("choose a wrap-up reason first", "choisissez d’abord un motif de post-appel"),
    (
        "during a call only one Not Ready can be chosen, and Ready cannot be chosen",
        "pendant un appel, un seul Non prêt peut être choisi, et Prêt ne peut pas l’être",
    ),
    ("enter a number to call", "saisissez un numéro à appeler"),
    ("enter the digits to send", "saisissez les chiffres à envoyer"),
    ("no call variable to set", "aucune variable d’appel à définir"),
    (
        "numbers starting with + cannot be dialed on this system",
        "les numéros commençant par + ne peuvent pas être composés sur ce système",
    ),
    ("that is your own extension", "c’est votre propre poste"),
    (
        "that state cannot be reached from the current state",
        "cet état n’est pas accessible depuis l’état actuel",
    ),
    ("that state cannot be requested", "cet état ne peut pas être demandé"),
    ("the agent is signed out", "l’agent est déconnecté"),
    ("the keypad sends only 0-9, * and #", "le clavier n’envoie que 0-9, * et #"),
    ("the keypad sends only 0-9, *, # and A-D", "le clavier n’envoie que 0-9, *, # et A-D"),
    (
        "the number may only contain letters, digits, spaces and punctuation",
        "le numéro ne peut contenir que des lettres, des chiffres, des espaces et de la ponctuation",
    ),
    ("this is already your pending state", "c’est déjà votre prochain état"),
    ("this is your current state", "c’est votre état actuel"),
    ("your state is not known yet", "votre état n’est pas encore connu"),
    (
        "{label}: lowest {low}, highest {high}, now {now}",
        "{label} : minimum {low}, maximum {high}, actuellement {now}",
    ),
    ("{label}: no data yet", "{label} : pas encore de données"),
    ("{queue}: calls waiting threshold", "{queue} : seuil d’appels en attente"),
    (
        "{queue}: oldest call threshold (seconds)",
        "{queue} : seuil de l’appel le plus ancien (secondes)",
    ),
    (
        "{queue}: the oldest call has waited {waited}, at or above the threshold of {limit}.",
        "{queue} : l’appel le plus ancien attend depuis {waited}, seuil de {limit} atteint ou dépassé.",
    ),
    (
        "{queue}: {value} calls waiting, at or above the threshold of {limit}.",
        "{queue} : {value} appels en attente, seuil de {limit} atteint ou dépassé.",
    ),
];

#[cfg(test)]
mod tests {
    use finesse_model::transitions::StateChangeError;
    use finesse_model::{AgentState, CallType, ParticipantState, StateCause};
    use finesse_session::{DialError, call_status_label, call_type_label, state_label};

    use super::*;

    #[test]
    fn locale_tags() {
        for tag in ["fr", "fr_FR", "fr-CA", "FR-be", " fr_CA "] {
            assert_eq!(Locale::from_tag(tag), Locale::Fr, "{tag}");
        }
        for tag in ["", "en", "en_US", "de_DE", "french", "f", "es-419"] {
            assert_eq!(Locale::from_tag(tag), Locale::En, "{tag}");
        }
        assert_eq!(Locale::Fr.lang(), "fr");
        assert_eq!(Locale::En.lang(), "en");
        assert_eq!(Locale::default(), Locale::En);
    }

    #[test]
    fn english_is_the_key_and_unknown_text_passes_through() {
        assert_eq!(Locale::En.t("Ready"), "Ready");
        assert_eq!(Locale::Fr.t("Ready"), "Prêt");
        assert_eq!(Locale::Fr.t("Sign Out"), "Déconnexion");
        // A reason code label from the server.
        assert_eq!(Locale::Fr.t("Lunch <b>"), "Lunch <b>");
        assert_eq!(Locale::Fr.tr(""), "");
    }

    #[test]
    fn the_french_table_is_sorted_and_has_no_duplicates() {
        for pair in FRENCH.windows(2) {
            if let [(a, _), (b, _)] = pair {
                assert!(a < b, "{a:?} must sort before {b:?}");
            }
        }
    }

    #[test]
    fn every_key_has_a_french_text_and_every_french_text_a_key() {
        for key in KEYS {
            let fr = Locale::Fr.tr(key);
            assert_ne!(fr, *key, "no French for {key:?}");
            assert!(!fr.trim().is_empty(), "empty French for {key:?}");
        }
        for (key, _) in FRENCH {
            assert!(KEYS.contains(key), "{key:?} is translated but not in KEYS");
        }
        let mut sorted = KEYS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), KEYS.len(), "KEYS has duplicates");
    }

    #[test]
    fn every_session_label_is_translated() {
        for wire in AgentState::KNOWN.iter().chain(&["SOMETHING_NEW"]) {
            let label = state_label(&AgentState::from_wire(wire));
            assert!(KEYS.contains(&label), "state label {label:?}");
        }
        for wire in ParticipantState::KNOWN {
            let state = ParticipantState::from_wire(wire);
            for cause in [None, Some(&StateCause::Busy)] {
                let label = call_status_label(&state, cause);
                assert!(KEYS.contains(&label), "call status {label:?}");
            }
        }
        for wire in CallType::KNOWN {
            let label = call_type_label(&CallType::from_wire(wire));
            // Call types the session has no words for are shown as sent.
            assert!(KEYS.contains(&label.as_str()) || label == *wire, "call type {label:?}");
        }
        for error in [
            StateChangeError::SignedOut,
            StateChangeError::InvalidTransition,
            StateChangeError::InvalidWorkMode,
            StateChangeError::ResourceBusy,
            StateChangeError::NotSettable,
        ] {
            assert!(KEYS.contains(&error.describe()), "{:?}", error.describe());
        }
        for error in [
            DialError::Empty,
            DialError::NotAscii,
            DialError::OwnExtension,
            DialError::E164NotSupported,
        ] {
            assert!(KEYS.contains(&error.to_string().as_str()), "{error}");
        }
    }

    /// Every literal the components translate (`.t("…")`, `.tr("…")`) is a key, so the French
    /// desktop shows no English.
    #[test]
    fn every_text_of_the_components_is_a_key() {
        let sources = [
            include_str!("components/banner.rs"),
            include_str!("components/call_card.rs"),
            include_str!("components/dial_pad.rs"),
            include_str!("components/elapsed.rs"),
            include_str!("components/make_call.rs"),
            include_str!("components/phone_book.rs"),
            include_str!("components/state_selector.rs"),
            include_str!("components/sparkline.rs"),
            include_str!("components/table.rs"),
            include_str!("components/virtual_table.rs"),
            include_str!("components/threshold_alerts.rs"),
        ];
        let mut found = 0;
        for source in sources {
            for marker in [".t(\"", ".tr(\""] {
                for (at, _) in source.match_indices(marker) {
                    let rest = &source[at + marker.len()..];
                    let literal = rest.split('"').next().unwrap_or_default();
                    assert!(KEYS.contains(&literal), "{literal:?} is shown but not in KEYS");
                    found += 1;
                }
            }
        }
        assert!(found >= 40, "only {found} texts found: did the scan break?");
    }
}
