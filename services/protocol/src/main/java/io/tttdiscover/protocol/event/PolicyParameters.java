package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * The embedded program-space policy's weights: per decision point, one logit per alternative and a bias towards
 * keeping the parent's choice. Small enough to travel inside a checkpoint event.
 *
 * @param form how a child is drawn from its parent: {@link #ONE_EDIT} or {@link #PER_DECISION} (the default of a
 *             checkpoint that names none, as every checkpoint before the form existed)
 */
public record PolicyParameters(List<List<Double>> logits, List<Double> keepBias, String form) {
    /**
     * Every decision drawn from softmax(logits + keep bias on the parent's choice): a child may change any number of
     * its parent's choices.
     */
    public static final String PER_DECISION = "per-decision";
    /**
     * A child is its parent with one active decision edited: the edit (decision d, new alternative a) drawn from
     * softmax(logits[d][a] - keepBias[d]) over the decisions that have another alternative on the target and those
     * alternatives (an edit that paid is proposed again; a decision kept more is edited less). Both are trained.
     */
    public static final String ONE_EDIT = "one-edit";

    public PolicyParameters {
        if (form == null) {
            form = PER_DECISION;
        }
        if (!form.equals(PER_DECISION) && !form.equals(ONE_EDIT)) {
            throw new IllegalArgumentException("unknown policy form " + form + " (known: " + PER_DECISION + ", "
                    + ONE_EDIT + ")");
        }
    }

    public PolicyParameters(List<List<Double>> logits, List<Double> keepBias) {
        this(logits, keepBias, PER_DECISION);
    }

    public boolean oneEdit() {
        return ONE_EDIT.equals(form);
    }
}
