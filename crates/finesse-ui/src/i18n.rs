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

    /// Renders a session text ([`finesse_session::Text`]: a failure, a refusal) in this
    /// language: its template and those of its parts translated, the server's words and other
    /// data as they are.
    pub fn text(self, text: &finesse_session::Text) -> String {
        text.render(&|template| self.tr(template))
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

/// The texts a source file passes to the translation (`.t("…")`, `.tr("…")`, `Text::new("…")`)
/// that have no French text, and how many such texts it has: what a crate's test holds its own
/// sources to, so that a French desktop shows none of them in English.
pub fn untranslated(source: &str) -> (usize, Vec<&str>) {
    let mut found = 0;
    let mut missing = Vec::new();
    for marker in [".t(\"", ".tr(\"", "Text::new(\""] {
        for (at, _) in source.match_indices(marker) {
            let literal = source[at + marker.len()..].split('"').next().unwrap_or_default();
            found += 1;
            if french(literal).is_none() {
                missing.push(literal);
            }
        }
    }
    (found, missing)
}

/// The `format!` strings of a source file, before its tests, that start with a capital letter:
/// sentences put together in English, which bypass the table. What a crate's test holds its
/// sources to, with [`untranslated`].
pub fn english_formats(source: &str) -> Vec<&str> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    code.match_indices("format!(\"")
        .map(|(at, _)| code[at + 9..].split('"').next().unwrap_or_default())
        .filter(|literal| literal.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect()
}

/// Every English text that has a translation: what the components and the gadgets show and the
/// session's labels. With `finesse_session::MESSAGES` (the templates of the session's failures
/// and refusals, translated here too) it is every key of [`FRENCH`]; tests hold the components,
/// the session and [`FRENCH`] to them.
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
    // why a state cannot be chosen (StateMenuItem::why_not; the state rules' reasons are session
    // messages, finesse_session::MESSAGES)
    "your state is not known yet",
    "this is your current state",
    "this is already your pending state",
    "a state change is on its way",
    "choose a wrap-up reason first",
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
    "Could not listen for the team's changes: {error}.",
    "Could not ask for the team's changes: {error}.",
    "the notification server refused it",
    "the answer was not understood",
    "The team's changes cannot be followed live ({why}).",
    "read team {team}",
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
    // the call control gadget's hub and set-up errors
    "Could not listen for {topic}: {error}.",
    "Could not ask for the connection status: {error}.",
    "The container gave this gadget no preferences.",
    "The container did not say which agent is signed in.",
    "The container gave this gadget no credential.",
    "The scheme preference “{value}” is neither http nor https.",
    "The host preference “{value}” is not a host name.",
    "The hostPort preference “{value}” is not a port number.",
    "Calls waiting threshold",
    "Oldest call threshold (seconds)",
    // the desktop (www): sign-in page, header, banners, tab labels, errors
    "Finesse Gadgets Desktop",
    "Bearer token",
    "Signing in…",
    "Use a password instead",
    "Use a bearer token (single sign-on)",
    "Sign Out reason",
    "No gadgets on this tab.",
    "Disconnecting…",
    "Closing…",
    "The Finesse server is failing. Trying to recover…",
    "Not connected to the notification service: live updates are paused until it is back.",
    "The desktop cannot start its hub: {error}",
    "The notification connection cannot start: {error}",
    "The gadget cannot be shown: {error}",
    "no element to put the frame in",
    "The gadget did not finish loading in time.",
    "The gadget left its page; it was stopped.",
    "A forged message was sent in the gadget's name; it was ignored.",
    "The gadget was stopped ({alert}).",
    "Home",
    "Manage Customer",
    "My Statistics",
    "My History",
    "Team Data",
    "Queue Data",
    "There is no such user.",
    "The Finesse server could not be reached ({error}).",
    "The Finesse server is out of service (HTTP 503).",
    "The Finesse server refused the request: {detail} (HTTP {status}).",
    "The Finesse server refused the request (HTTP {status}).",
    "The Finesse server sent an unreadable answer: {error}.",
    "Enter the extension to sign in to.",
    "Signing in to extension {extension} failed: {error}",
    "The desktop layout {layout} could not be read (HTTP {status}).",
    "Signing out failed: {error}",
    "the layout is not a Finesse layout: {error}",
    "the layout has no {role} layout",
    "the layout has a gadget URL that cannot be used: {url}",
    // the connection gadget
    "the layout's gadgetOrigin is not an origin: {origin}",
    "Connected",
    "Connecting…",
    "Connection lost, reconnecting…",
    "Disconnected",
    "The notification service refused the credentials",
    "Another client took over this connection",
    "Failing over…",
    "Recovered",
    "Status: {status}",
    "Waiting for the container…",
    "The gadget has no hub: {error}.",
    "Signing in failed: {error}.",
    "Reading the system information failed: {error}.",
    "The system information names no XMPP domain.",
    "The hub refused a subscription: {error}.",
    "Starting failed: {error}.",
];

/// The French texts, sorted by their English key (binary search).
pub const FRENCH: &[(&str, &str)] = &[
    (" (CTI error {code}, {constant})", " (erreur CTI {code}, {constant})"),
    (" (error {code})", " (erreur {code})"),
    ("(after call)", "(après l’appel)"),
    (
        "A forged message was sent in the gadget's name; it was ignored.",
        "Un message falsifié a été envoyé au nom du gadget ; il a été ignoré.",
    ),
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
    ("Another client took over this connection", "Un autre client a pris cette connexion"),
    ("Answer", "Répondre"),
    ("Apply", "Appliquer"),
    ("Barge In", "Intervenir"),
    ("Bearer token", "Jeton d’accès"),
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
    ("Closing…", "Fermeture…"),
    ("Conference", "Conférence"),
    ("Connected", "Connecté"),
    ("Connecting to the notification service…", "Connexion au service de notification…"),
    ("Connecting…", "Connexion…"),
    ("Connection lost, reconnecting…", "Connexion perdue, reconnexion…"),
    ("Consult", "Consultation"),
    (
        "Could not ask for the connection status: {error}.",
        "Impossible de demander l’état de la connexion : {error}.",
    ),
    (
        "Could not ask for the team's changes: {error}.",
        "Impossible de demander les changements de l’équipe : {error}.",
    ),
    (
        "Could not listen for the team's changes: {error}.",
        "Impossible d’écouter les changements de l’équipe : {error}.",
    ),
    ("Could not listen for {topic}: {error}.", "Impossible d’écouter {topic} : {error}."),
    ("Could not load your queues.", "Impossible de charger vos files d’attente."),
    ("Could not {action}: {reason}{cti}.", "Impossible de {action} : {reason}{cti}."),
    ("DNIS", "Numéro composé (DNIS)"),
    ("Dial", "Composer"),
    ("Dialing", "Numérotation"),
    ("Direct Preview", "Aperçu direct"),
    ("Direct Transfer", "Transfert direct"),
    ("Direct transfer", "Transfert direct"),
    ("Disconnected", "Déconnecté"),
    ("Disconnecting…", "Déconnexion en cours…"),
    ("Dismiss", "Fermer"),
    ("Drop", "Exclure"),
    ("Duration", "Durée"),
    ("Edit Call Variables", "Modifier les variables d’appel"),
    ("End", "Raccrocher"),
    ("Ended", "Terminé"),
    ("Enter a number", "Saisissez un numéro"),
    ("Enter the extension to sign in to.", "Saisissez le poste auquel vous connecter."),
    ("Error", "Erreur"),
    ("Extension", "Poste"),
    ("Failing over…", "Basculement…"),
    ("Filter", "Filtrer"),
    ("Finesse Gadgets Desktop", "Bureau des gadgets Finesse"),
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
    ("Finesse refused it ({type})", "Finesse l’a refusé ({type})"),
    (
        "Finesse refused your credentials (HTTP 401). Sign in to the desktop again.",
        "Finesse a refusé vos identifiants (HTTP 401). Reconnectez-vous au bureau.",
    ),
    ("From", "De"),
    ("Hold", "Attente"),
    ("Home", "Accueil"),
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
    ("Manage Customer", "Gérer le client"),
    ("Media State", "État du média"),
    ("My History", "Mon historique"),
    ("My Statistics", "Mes statistiques"),
    ("N/A", "N/D"),
    ("Name", "Nom"),
    ("Name, extension or state", "Nom, poste ou état"),
    ("No entries", "Aucune entrée"),
    ("No gadgets on this tab.", "Aucun gadget dans cet onglet."),
    ("Not Ready", "Non prêt"),
    ("Not connected to the notification service.", "Non connecté au service de notification."),
    (
        "Not connected to the notification service: live updates are paused until it is back.",
        "Non connecté au service de notification : les mises à jour en direct sont suspendues jusqu’à son retour.",
    ),
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
    ("Queue Data", "Données des files d’attente"),
    ("Queue Statistics", "Statistiques des files d’attente"),
    (
        "Queue statistics are not available on Unified CCX: the Finesse Queue API is supported with Unified CCE only.",
        "Les statistiques des files d’attente ne sont pas disponibles sur Unified CCX : l’API Queue de Finesse n’est prise en charge qu’avec Unified CCE.",
    ),
    (
        "Reading the system information failed: {error}.",
        "La lecture des informations système a échoué : {error}.",
    ),
    ("Ready", "Prêt"),
    (
        "Ready cannot be chosen during a non-routed call",
        "Prêt ne peut pas être choisi pendant un appel non routé",
    ),
    ("Recovered", "Rétabli"),
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
    ("Sign Out reason", "Motif de déconnexion"),
    ("Sign in", "Se connecter"),
    ("Sign in to Finesse", "Se connecter à Finesse"),
    ("Signed Out", "Déconnecté"),
    ("Signing In", "Connexion en cours"),
    ("Signing in failed: {error}.", "La connexion a échoué : {error}."),
    (
        "Signing in to extension {extension} failed: {error}",
        "La connexion au poste {extension} a échoué : {error}",
    ),
    ("Signing in…", "Connexion en cours…"),
    ("Signing out failed: {error}", "La déconnexion a échoué : {error}"),
    ("Silent Monitor", "Écoute silencieuse"),
    ("Star", "Étoile"),
    ("Start Monitoring", "Démarrer l’écoute"),
    ("Starting failed: {error}.", "Le démarrage a échoué : {error}."),
    ("State", "État"),
    ("Status: {status}", "État : {status}"),
    ("Supervisor Actions", "Actions du superviseur"),
    ("Talking", "En communication"),
    ("Talking inbound", "En conversation entrante"),
    ("Talking internal", "En conversation interne"),
    ("Talking outbound", "En conversation sortante"),
    ("Team", "Équipe"),
    ("Team Data", "Données de l’équipe"),
    ("Team Members", "Membres de l’équipe"),
    ("Team Performance", "Performance de l’équipe"),
    (
        "The Finesse server could not be reached ({error}).",
        "Le serveur Finesse est injoignable ({error}).",
    ),
    (
        "The Finesse server is failing. Trying to recover…",
        "Le serveur Finesse est défaillant. Tentative de reprise…",
    ),
    (
        "The Finesse server is out of service (HTTP 503).",
        "Le serveur Finesse est hors service (HTTP 503).",
    ),
    (
        "The Finesse server refused the request (HTTP {status}).",
        "Le serveur Finesse a refusé la requête (HTTP {status}).",
    ),
    (
        "The Finesse server refused the request: {detail} (HTTP {status}).",
        "Le serveur Finesse a refusé la requête : {detail} (HTTP {status}).",
    ),
    (
        "The Finesse server sent an unreadable answer: {error}.",
        "Le serveur Finesse a envoyé une réponse illisible : {error}.",
    ),
    ("The ID or password is wrong.", "L’identifiant ou le mot de passe est incorrect."),
    (
        "The container did not say which agent is signed in.",
        "Le conteneur n’a pas indiqué quel agent est connecté.",
    ),
    (
        "The container gave this gadget no credential.",
        "Le conteneur n’a donné aucun identifiant à ce gadget.",
    ),
    (
        "The container gave this gadget no preferences.",
        "Le conteneur n’a donné aucune préférence à ce gadget.",
    ),
    (
        "The desktop cannot start its hub: {error}",
        "Le bureau ne peut pas démarrer son hub : {error}",
    ),
    (
        "The desktop layout {layout} could not be read (HTTP {status}).",
        "La disposition du bureau {layout} n’a pas pu être lue (HTTP {status}).",
    ),
    ("The gadget cannot be shown: {error}", "Le gadget ne peut pas être affiché : {error}"),
    ("The gadget did not finish loading in time.", "Le gadget n’a pas fini de se charger à temps."),
    ("The gadget has no hub: {error}.", "Le gadget n’a pas de hub : {error}."),
    ("The gadget left its page; it was stopped.", "Le gadget a quitté sa page ; il a été arrêté."),
    ("The gadget was stopped ({alert}).", "Le gadget a été arrêté ({alert})."),
    (
        "The host preference “{value}” is not a host name.",
        "La préférence host « {value} » n’est pas un nom d’hôte.",
    ),
    (
        "The hostPort preference “{value}” is not a port number.",
        "La préférence hostPort « {value} » n’est pas un numéro de port.",
    ),
    ("The hub refused a subscription: {error}.", "Le hub a refusé un abonnement : {error}."),
    (
        "The notification connection cannot start: {error}",
        "La connexion de notification ne peut pas démarrer : {error}",
    ),
    (
        "The notification connection was lost. Reconnecting…",
        "La connexion de notification a été perdue. Reconnexion…",
    ),
    (
        "The notification service refused the credentials",
        "Le service de notification a refusé les identifiants",
    ),
    (
        "The notification service refused the credentials.",
        "Le service de notification a refusé les identifiants.",
    ),
    (
        "The scheme preference “{value}” is neither http nor https.",
        "La préférence scheme « {value} » n’est ni http ni https.",
    ),
    (
        "The system information names no XMPP domain.",
        "Les informations système ne nomment aucun domaine XMPP.",
    ),
    (
        "The team's changes cannot be followed live ({why}).",
        "Les changements de l’équipe ne peuvent pas être suivis en direct ({why}).",
    ),
    ("The thresholds could not be saved.", "Les seuils n’ont pas pu être enregistrés."),
    (
        "The thresholds preference is not valid; no thresholds apply.",
        "La préférence des seuils n’est pas valide ; aucun seuil ne s’applique.",
    ),
    ("There is no such user.", "Cet utilisateur n’existe pas."),
    ("Threshold alerts", "Alertes de seuil"),
    ("Thresholds", "Seuils"),
    ("Thresholds saved.", "Seuils enregistrés."),
    ("Time in State", "Temps dans l’état"),
    ("To", "À"),
    ("Totals", "Totaux"),
    ("Transfer", "Transfert"),
    ("Unknown", "Inconnu"),
    ("Use a bearer token (single sign-on)", "Utiliser un jeton d’accès (authentification unique)"),
    ("Use a password instead", "Utiliser plutôt un mot de passe"),
    ("User ID", "Identifiant de l’utilisateur"),
    ("Waiting for the container…", "En attente du conteneur…"),
    ("Wrap-Up", "Post-appel"),
    ("Wrap-Up Not Ready", "Post-appel non prêt"),
    ("Wrap-Up Ready", "Post-appel prêt"),
    ("Wrap-Up Reason:", "Motif de post-appel :"),
    ("You are assigned to no queue.", "Vous n’êtes affecté à aucune file d’attente."),
    ("You supervise no team.", "Vous ne supervisez aucune équipe."),
    (
        "a call cannot be made in your current state",
        "impossible de passer un appel dans votre état actuel",
    ),
    ("a call variable has no name", "une variable d’appel n’a pas de nom"),
    ("a limit was reached", "une limite a été atteinte"),
    ("a state change is on its way", "un changement d’état est en cours"),
    ("a value was not accepted", "une valeur n’a pas été acceptée"),
    ("a wrap-up reason is at most 39 bytes", "un motif de post-appel fait au plus 39 octets"),
    ("answer the call", "répondre à l’appel"),
    ("barge in on the call", "intervenir dans l’appel"),
    (
        "call variables can be given with a new call on Unified CCE only",
        "les variables d’appel ne peuvent accompagner un nouvel appel qu’avec Unified CCE",
    ),
    (
        "call variables cannot be changed on this call",
        "les variables d’appel ne peuvent pas être modifiées sur cet appel",
    ),
    ("call {number}", "appeler le {number}"),
    ("change to Not Ready", "passer à l’état Non prêt"),
    ("change to Not Ready ({reason})", "passer à l’état Non prêt ({reason})"),
    ("change to Ready", "passer à l’état Prêt"),
    ("changing call data", "la modification des données d’appel"),
    ("choose a reason", "choisissez un motif"),
    ("choose a wrap-up reason", "choisissez un motif de post-appel"),
    ("choose a wrap-up reason first", "choisissez d’abord un motif de post-appel"),
    ("consult {number}", "consulter le {number}"),
    ("drop {participant} from the conference", "exclure {participant} de la conférence"),
    ("dropping a participant", "l’exclusion d’un participant"),
    (
        "during a call only one Not Ready can be chosen, and Ready cannot be chosen",
        "pendant un appel, un seul Non prêt peut être choisi, et Prêt ne peut pas l’être",
    ),
    ("end the call", "raccrocher"),
    ("enter a number to call", "saisissez un numéro à appeler"),
    ("enter the digits to send", "saisissez les chiffres à envoyer"),
    ("hold the call", "mettre l’appel en attente"),
    ("it is not allowed in the current state", "ce n’est pas permis dans l’état actuel"),
    ("load the Not Ready reasons", "charger les motifs Non prêt"),
    ("load the Sign Out reasons", "charger les motifs de déconnexion"),
    ("load the call variables layout", "charger la présentation des variables d’appel"),
    ("load the system information", "charger les informations système"),
    ("load the wrap-up reasons", "charger les motifs de post-appel"),
    ("load your agent", "charger votre agent"),
    ("load your calls", "charger vos appels"),
    ("make agent {agent} Not Ready", "mettre l’agent {agent} à l’état Non prêt"),
    ("make agent {agent} Ready", "mettre l’agent {agent} à l’état Prêt"),
    ("monitor extension {extension}", "surveiller le poste {extension}"),
    ("no call variable to set", "aucune variable d’appel à définir"),
    ("no element to put the frame in", "aucun élément où placer le cadre"),
    (
        "numbers starting with + cannot be dialed on this system",
        "les numéros commençant par + ne peuvent pas être composés sur ce système",
    ),
    ("read team {team}", "lire l’équipe {team}"),
    ("reason code {id} is not one of yours", "le code motif {id} ne fait pas partie des vôtres"),
    ("retrieve the call", "reprendre l’appel"),
    ("say which participant to drop", "indiquez le participant à exclure"),
    ("send the digits", "envoyer les chiffres"),
    ("set the wrap-up reason", "enregistrer le motif de post-appel"),
    ("sign agent {agent} out", "déconnecter l’agent {agent}"),
    ("sign out", "se déconnecter"),
    ("sign out ({reason})", "se déconnecter ({reason})"),
    ("something required was missing", "une information obligatoire manquait"),
    ("start the conference", "démarrer la conférence"),
    ("that action", "cette action"),
    ("that call has ended", "cet appel est terminé"),
    ("that is your own extension", "c’est votre propre poste"),
    ("that number cannot be called", "ce numéro ne peut pas être appelé"),
    (
        "that state cannot be reached from the current state",
        "cet état n’est pas accessible depuis l’état actuel",
    ),
    ("that state cannot be requested", "cet état ne peut pas être demandé"),
    (
        "the Finesse server accepted it but did not confirm it within {seconds} s (the screen shows the server's state)",
        "le serveur Finesse l’a accepté mais ne l’a pas confirmé dans les {seconds} s (l’écran montre l’état du serveur)",
    ),
    ("the Finesse server could not be reached", "le serveur Finesse est injoignable"),
    (
        "the Finesse server did not accept your credentials (sign in again)",
        "le serveur Finesse n’a pas accepté vos identifiants (reconnectez-vous)",
    ),
    (
        "the Finesse server did not answer within {seconds} s",
        "le serveur Finesse n’a pas répondu dans les {seconds} s",
    ),
    (
        "the Finesse server had an internal error",
        "le serveur Finesse a rencontré une erreur interne",
    ),
    (
        "the Finesse server is out of service; try again in a few seconds",
        "le serveur Finesse est hors service ; réessayez dans quelques secondes",
    ),
    ("the Finesse server refused it", "le serveur Finesse l’a refusé"),
    (
        "the Finesse server refused it (HTTP {status})",
        "le serveur Finesse l’a refusé (HTTP {status})",
    ),
    (
        "the Finesse server sent an unreadable answer",
        "le serveur Finesse a envoyé une réponse illisible",
    ),
    (
        "the Finesse server sent an unreadable answer ({error})",
        "le serveur Finesse a envoyé une réponse illisible ({error})",
    ),
    ("the agent is signed out", "l’agent est déconnecté"),
    ("the answer was not understood", "la réponse n’a pas été comprise"),
    ("the call no longer exists", "l’appel n’existe plus"),
    ("the call variable {name} is given twice", "la variable d’appel {name} est donnée deux fois"),
    ("the keypad", "le clavier"),
    ("the keypad sends only 0-9, * and #", "le clavier n’envoie que 0-9, * et #"),
    ("the keypad sends only 0-9, *, # and A-D", "le clavier n’envoie que 0-9, *, # et A-D"),
    (
        "the layout has a gadget URL that cannot be used: {url}",
        "la disposition a une URL de gadget inutilisable : {url}",
    ),
    ("the layout has no {role} layout", "la disposition n’a pas de disposition {role}"),
    (
        "the layout is not a Finesse layout: {error}",
        "la disposition n’est pas une disposition Finesse : {error}",
    ),
    (
        "the layout's gadgetOrigin is not an origin: {origin}",
        "le gadgetOrigin de la disposition n’est pas une origine : {origin}",
    ),
    ("the notification server refused it", "le serveur de notifications l’a refusé"),
    (
        "the number may only contain letters, digits, spaces and punctuation",
        "le numéro ne peut contenir que des lettres, des chiffres, des espaces et de la ponctuation",
    ),
    ("the phone (extension) cannot be used", "le téléphone (poste) ne peut pas être utilisé"),
    ("the phone (extension) is already in use", "le téléphone (poste) est déjà utilisé"),
    ("the phone system could not do it", "le système téléphonique n’a pas pu le faire"),
    ("the phone system refused it", "le système téléphonique l’a refusé"),
    ("the request could not be written ({error})", "la demande n’a pas pu être rédigée ({error})"),
    (
        "the value of {name} has characters outside Latin-1",
        "la valeur de {name} contient des caractères hors Latin-1",
    ),
    ("the value of {name} is longer than 40 bytes", "la valeur de {name} dépasse 40 octets"),
    ("this is already your pending state", "c’est déjà votre prochain état"),
    ("this is your current state", "c’est votre état actuel"),
    (
        "this user cannot sign in as a mobile agent",
        "cet utilisateur ne peut pas se connecter comme agent mobile",
    ),
    ("too many requests are waiting for an answer", "trop de demandes attendent une réponse"),
    ("transfer the call", "transférer l’appel"),
    ("transfer the call to {number}", "transférer l’appel au {number}"),
    ("update the call variables", "modifier les variables d’appel"),
    ("you are not allowed to do that", "vous n’avez pas le droit de le faire"),
    ("you are not signed in", "vous n’êtes pas connecté"),
    (
        "you must be Not Ready and on no call to monitor an agent",
        "vous devez être Non prêt et sans appel pour écouter un agent",
    ),
    ("your state is not known yet", "votre état n’est pas encore connu"),
    (
        "{Action} is not possible on this call now",
        "{Action} : impossible sur cet appel pour le moment",
    ),
    (
        "{label}: lowest {low}, highest {high}, now {now}",
        "{label} : minimum {low}, maximum {high}, actuellement {now}",
    ),
    ("{label}: no data yet", "{label} : pas encore de données"),
    (
        "{name} is set by Outbound Option and cannot be changed",
        "{name} est fixée par Outbound Option et ne peut pas être modifiée",
    ),
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

    /// A text with a translation: one of [`KEYS`], or a session message with words.
    fn is_key(text: &str) -> bool {
        KEYS.contains(&text)
            || finesse_session::MESSAGES.contains(&text) && finesse_session::has_words(text)
    }

    #[test]
    fn every_key_has_a_french_text_and_every_french_text_a_key() {
        let messages = finesse_session::MESSAGES.iter().filter(|m| finesse_session::has_words(m));
        for key in KEYS.iter().chain(messages) {
            let fr = Locale::Fr.tr(key);
            assert_ne!(fr, *key, "no French for {key:?}");
            assert!(!fr.trim().is_empty(), "empty French for {key:?}");
        }
        for (key, _) in FRENCH {
            assert!(is_key(key), "{key:?} is translated but not in KEYS or the session's MESSAGES");
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
            assert!(is_key(error.describe()), "{:?}", error.describe());
        }
        for error in [
            DialError::Empty,
            DialError::NotAscii,
            DialError::OwnExtension,
            DialError::E164NotSupported,
        ] {
            assert!(is_key(&error.to_string()), "{error}");
        }
    }

    /// Every template the session can build a failure or refusal from has a French text (a new
    /// one without French fails here).
    #[test]
    fn every_session_message_is_translated() {
        for message in finesse_session::MESSAGES {
            let french = Locale::Fr.tr(message);
            if finesse_session::has_words(message) {
                assert_ne!(french, *message, "{message:?} has no French text");
            }
            // Text::render capitalises the first letter with ASCII upper-casing only.
            for text in [*message, french] {
                assert!(text.starts_with(|c: char| c.is_ascii()), "{text:?} starts with non-ASCII");
            }
        }
    }

    #[test]
    fn session_texts_render_in_french_with_the_server_words_verbatim() {
        use finesse_session::Text;
        let refused = Text::new("Could not {action}: {reason}{cti}.")
            .with("action", Text::new("change to Not Ready ({reason})").with("reason", "Lunch"))
            .with("reason", Text::new("it is not allowed in the current state"))
            .with(
                "cti",
                Text::new(" (CTI error {code}, {constant})")
                    .with("code", "257")
                    .with("constant", "CF_INVALID_PASSWORD_SPECIFIED"),
            );
        assert_eq!(
            Locale::Fr.text(&refused),
            "Impossible de passer à l’état Non prêt (Lunch) : ce n’est pas permis dans l’état \
             actuel (erreur CTI 257, CF_INVALID_PASSWORD_SPECIFIED)."
        );
        assert_eq!(Locale::En.text(&refused), refused.english());
        let alone = Text::new("{Reason}{cti}.")
            .with("reason", Text::new("Finesse refused it ({type})").with("type", "Busy <b>"))
            .with("cti", "");
        assert_eq!(Locale::Fr.text(&alone), "Finesse l’a refusé (Busy <b>).");
        let offered = Text::new("{Action} is not possible on this call now")
            .with("action", Text::new("the keypad"));
        assert_eq!(
            Locale::Fr.text(&offered),
            "Le clavier : impossible sur cet appel pour le moment"
        );
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
            include_str!("components/threshold_alerts.rs"),
            include_str!("components/virtual_table.rs"),
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

    #[test]
    fn english_formats_finds_capitalised_format_strings_before_the_tests() {
        let source = concat!(
            "let a = format!(\"{} ({n})\", x);\n",
            "let b = format!(\"Could not {x}\");\n",
            "#[cfg(test)]\n",
            "let c = format!(\"Ignored in tests\");\n",
        );
        assert_eq!(english_formats(source), ["Could not {x}"]);
    }
}
