//! Workflows as `GET /finesse/api/User/{id}/Workflows` returns them: the SYSTEM trigger sets
//! "automatically expanded when retrieved" (guide chapter 4, "Workflow": CALL_ARRIVES,
//! CALL_ANSWERED, CALL_ENDS, CALL_IS_MADE, CALL_IS_PREVIEWED), the conditions and the full
//! workflow actions. The expansions are the guide's, without its typos (`ACT_IN`,
//! `CONSULT_CONFERECE`).

use finesse_model::{
    Comparator, Condition, ConditionSet, Conditions, Param, Params, TriggerSet, TriggerSetName,
    Triggers, Variable, VariableType, Workflow, WorkflowAction, WorkflowActions, Workflows,
};

use super::Engine;
use super::model::Ax;
use crate::scenario::WorkflowConfig;

/// Every call type a voice trigger set matches.
const ALL_CALL_TYPES: &str = "ACD_IN,PREROUTE_ACD_IN,PREROUTE_DIRECT_AGENT,TRANSFER,OVERFLOW_IN,\
OTHER_IN,AGENT_OUT,OUT,OUTBOUND,OUTBOUND_CALLBACK,OUTBOUND_PERSONAL_CALLBACK,AGENT_INSIDE,OFFERED,\
CONSULT,CONSULT_OFFERED,CONSULT_CONFERENCE,CONFERENCE,TASK_ROUTED_BY_ICM,\
TASK_ROUTED_BY_APPLICATION,VOICE_CALL_BACK,NON_ACD,SUPERVISOR_BARGE_IN,NULL";

/// The participant state of the user's extension.
const STATE_NODE: &str =
    "//Dialog/participants/Participant/mediaAddress[.='${extension}']/../state";

fn trigger(name: &str, node: &str, comparator: Comparator, value: &str) -> Condition {
    Condition {
        variable: Some(Variable {
            name: Some(name.to_owned()),
            node: Some(node.to_owned()),
            kind: Some(VariableType::Custom),
            test_value: None,
        }),
        comparator: Some(comparator),
        value: Some(value.to_owned()),
    }
}

/// The expanded trigger set.
pub(crate) fn expand(name: &TriggerSetName) -> TriggerSet {
    let media = trigger("mediaType", "//Dialog/mediaType", Comparator::IsEqual, "Voice");
    let call_types = |list: &str| {
        trigger("callType", "//Dialog/mediaProperties/callType", Comparator::IsInList, list)
    };
    let state = |c: Comparator, v: &str| trigger("state", STATE_NODE, c, v);
    let from = |c: Comparator| trigger("fromAddress", "//Dialog/fromAddress", c, "${extension}");
    let (triggers, overlap) = match name {
        TriggerSetName::CallArrives => (
            vec![
                media,
                call_types(ALL_CALL_TYPES),
                state(Comparator::IsInList, "ALERTING,ACTIVE,HELD"),
                from(Comparator::IsNotEqual),
            ],
            false,
        ),
        TriggerSetName::CallAnswered => {
            (vec![media, call_types(ALL_CALL_TYPES), state(Comparator::IsEqual, "ACTIVE")], false)
        }
        TriggerSetName::CallEnds => (
            vec![media, call_types(ALL_CALL_TYPES), state(Comparator::IsInList, "DROPPED,WRAP_UP")],
            false,
        ),
        TriggerSetName::CallIsMade => (
            vec![
                media,
                call_types(ALL_CALL_TYPES),
                state(Comparator::IsInList, "ALERTING,INITIATED,FAILED,ACTIVE,HELD"),
                from(Comparator::IsEqual),
            ],
            false,
        ),
        TriggerSetName::CallIsPreviewed => (
            vec![
                media,
                call_types(
                    "OUTBOUND_PREVIEW,OUTBOUND_CALLBACK_PREVIEW,OUTBOUND_DIRECT_PREVIEW,OUTBOUND_PERSONAL_CALLBACK_PREVIEW",
                ),
            ],
            true,
        ),
        TriggerSetName::Unknown(_) => (Vec::new(), false),
    };
    TriggerSet {
        kind: Some(VariableType::System),
        name: Some(name.clone()),
        allow_overlapping_call_workflow: Some(overlap),
        triggers: Some(Triggers::from(triggers)),
    }
}

/// A condition variable: call variables and dialog fields are SYSTEM variables; ECC variables
/// are CUSTOM, with the XPath node of their value.
fn condition_variable(name: &str) -> Variable {
    if name.starts_with("user.") {
        Variable {
            name: Some(name.to_owned()),
            node: Some(format!(
                "//Dialog/mediaProperties/callvariables/CallVariable/name[.=\"{name}\"]/../value"
            )),
            kind: Some(VariableType::Custom),
            test_value: None,
        }
    } else {
        Variable {
            name: Some(name.to_owned()),
            node: None,
            kind: Some(VariableType::System),
            test_value: None,
        }
    }
}

fn workflow_object(w: &WorkflowConfig) -> Workflow {
    Workflow {
        uri: Some(format!("/finesse/api/Workflow/{}", w.id)),
        id: None,
        name: Some(w.name.clone()),
        description: Some(w.description.clone()).filter(|d| !d.is_empty()),
        media: Some("1".to_owned()),
        trigger_set: Some(expand(&w.trigger)),
        condition_set: (!w.conditions.is_empty()).then(|| ConditionSet {
            apply_method: Some(w.apply_method.clone()),
            conditions: Some(Conditions::from(
                w.conditions
                    .iter()
                    .map(|c| Condition {
                        variable: Some(condition_variable(&c.variable)),
                        comparator: Some(c.comparator.clone()),
                        value: c.value.clone(),
                    })
                    .collect::<Vec<_>>(),
            )),
        }),
        workflow_actions: Some(WorkflowActions::from(
            w.actions
                .iter()
                .map(|a| WorkflowAction {
                    uri: Some(format!("/finesse/api/WorkflowAction/{}", a.id)),
                    id: None,
                    name: Some(a.name.clone()),
                    kind: Some(a.kind.clone()),
                    handled_by: Some(a.handled_by.clone()),
                    params: Some(Params::from(
                        a.params
                            .iter()
                            .map(|p| Param { name: p.name.clone(), value: p.value.clone() })
                            .collect::<Vec<_>>(),
                    )),
                    action_variables: None,
                })
                .collect::<Vec<_>>(),
        )),
    }
}

impl Engine {
    /// The workflows of agent `a`'s team, in the team's order.
    pub(crate) fn workflows_for(&self, a: Ax) -> Workflows {
        let team =
            self.sc.agents[a].team.as_ref().and_then(|t| self.sc.teams.iter().find(|x| &x.id == t));
        Workflows::from(
            team.map(|t| {
                t.workflows
                    .iter()
                    .filter_map(|id| self.sc.workflows.iter().find(|w| &w.id == id))
                    .map(workflow_object)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
        )
    }
}
