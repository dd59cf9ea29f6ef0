package io.tttdiscover.protocol.event;

import java.util.List;

/**
 * The embedded program-space policy's weights: per decision point, one logit per alternative and a bias towards
 * keeping the parent's choice. Small enough to travel inside a checkpoint event.
 *
 * @param form how a child is drawn from its parent: {@link #RELATIVE_EDIT}, {@link #ONE_EDIT} or
 *             {@link #PER_DECISION} (the default of a checkpoint that names none, as every checkpoint before the form
 *             existed)
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
    /**
     * A child is its parent with one active decision edited, the edit (d, a) drawn from softmax(logits[d][a] -
     * logits[d][p_d] - keepBias[d]) where p_d is the parent's choice: the logits rate the alternatives against each
     * other, so an edit is likely when its alternative is rated above the one in place (an alternative that won an
     * edit is not edited away again, and a decision whose best alternative is in place is left alone).
     */
    public static final String RELATIVE_EDIT = "relative-edit";
    private static final List<String> FORMS = List.of(PER_DECISION, ONE_EDIT, RELATIVE_EDIT);

    public PolicyParameters {
        if (form == null) {
            form = PER_DECISION;
        }
        if (!FORMS.contains(form)) {
            throw new IllegalArgumentException("unknown policy form " + form + " (known: " + String.join(", ", FORMS)
                    + ")");
        }
    }

    public PolicyParameters(List<List<Double>> logits, List<Double> keepBias) {
        this(logits, keepBias, PER_DECISION);
    }

    /** Whether a child is one edit of its parent ({@link #ONE_EDIT} or {@link #RELATIVE_EDIT}). */
    public boolean oneEdit() {
        return ONE_EDIT.equals(form) || RELATIVE_EDIT.equals(form);
    }

    /** Whether an edit's logit is rated against the parent's choice ({@link #RELATIVE_EDIT}). */
    public boolean relative() {
        return RELATIVE_EDIT.equals(form);
    }
}
