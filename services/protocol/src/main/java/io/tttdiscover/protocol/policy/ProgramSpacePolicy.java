package io.tttdiscover.protocol.policy;

import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.Choosable;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.spi.Sample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The embedded policy's distribution, shared by the sampler (which samples from it) and the embedded training
 * backend (which differentiates it), so both compute the same logprobs.
 *
 * <p>Each decision point d is one "token". Given the parent program's choice p at d (or -1 for none), the logit of
 * alternative a is {@code theta[d][a] + kappa[d] * [a == p]}: the policy learns which alternatives are fast and how
 * much to edit its parent, as an LLM edits the code in its prompt. Alternatives that cannot run on the target device
 * are masked out. That is the {@link PolicyParameters#PER_DECISION} form. The {@link PolicyParameters#ONE_EDIT} form
 * (the embedded trainer's default) makes every child one edit of its parent: the edit (decision d, new alternative
 * a) drawn from softmax(theta[d][a] - kappa[d]) over the editable decisions and their other available alternatives,
 * so each evaluation tests one change, its reward credits exactly that change, and an edit that paid once is proposed
 * again from the next parent (where a step's other improvements are recombined). The
 * {@link PolicyParameters#RELATIVE_EDIT} form (new runs' default) rates the edit against the parent's choice p:
 * softmax(theta[d][a] - theta[d][p] - kappa[d]), so an alternative that won an edit is not edited away again and
 * a losing edit also credits the alternative it would have replaced. Under either edit form a prompt's group holds
 * distinct edits while there are enough ({@link #drawEdits}). Decisions inactive under the choices
 * ({@link Choosable}) are never drawn.
 */
public final class ProgramSpacePolicy {
    /** Parent choice used when a state has no program (an initial state). */
    public static final int NO_PARENT = -1;
    /**
     * How close (in decisions chosen differently) an evaluated program must be to a parent for its alternatives to
     * count as tried there ({@link #drawEdits}). Median evaluations to within 5 % of the best on the H200 stage model
     * (1 group x 8, learning rate 2, seeds 0-319; greedy search 77): 2 -> 87.5, 3 -> 76, 4 -> 71, 5 -> 75.5, no limit
     * -> 112 (295 of 320 seeds get there), 0 (no tier) -> 104 (305 of 320); 4 on seeds 320-639: 69.
     */
    public static final int NEAR = 4;

    private ProgramSpacePolicy() {
    }

    /** Uniform over alternatives, with an initial preference {@code keepBias} for the parent's choice. */
    public static PolicyParameters initial(List<Integer> alternativesPerDecision, double keepBias) {
        return initial(alternativesPerDecision, keepBias, PolicyParameters.PER_DECISION);
    }

    /** Uniform over alternatives, of the given form ({@link PolicyParameters#form}). */
    public static PolicyParameters initial(List<Integer> alternativesPerDecision, double keepBias, String form) {
        List<List<Double>> logits = new ArrayList<>();
        for (int n : alternativesPerDecision) {
            logits.add(Collections.nCopies(n, 0.0));
        }
        return new PolicyParameters(logits, Collections.nCopies(alternativesPerDecision.size(), keepBias), form);
    }

    /**
     * Checks that parameters are usable at all: a keep bias per decision, at least one logit per decision, every
     * value finite.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void requireWellFormed(PolicyParameters p) {
        if (p.logits() == null || p.keepBias() == null) {
            throw new IllegalArgumentException("policy parameters without "
                    + (p.logits() == null ? "logits" : "keepBias"));
        }
        if (p.logits().size() != p.keepBias().size()) {
            throw new IllegalArgumentException("policy has " + p.logits().size() + " logit rows but "
                    + p.keepBias().size() + " keep biases");
        }
        for (int d = 0; d < p.logits().size(); d++) {
            List<Double> row = p.logits().get(d);
            if (row == null || row.isEmpty()) {
                throw new IllegalArgumentException("policy decision " + d + " has no logits");
            }
            for (int a = 0; a < row.size(); a++) {
                requireFinite(row.get(a), "logit [" + d + "][" + a + "]");
            }
            requireFinite(p.keepBias().get(d), "keep bias [" + d + "]");
        }
    }

    /**
     * Checks that well-formed parameters have exactly the given shape: one logit row per decision, one logit per
     * alternative.
     *
     * @throws IllegalArgumentException naming the first difference
     */
    public static void requireShape(PolicyParameters p, List<Integer> alternativesPerDecision) {
        requireWellFormed(p);
        if (p.logits().size() != alternativesPerDecision.size()) {
            throw new IllegalArgumentException("policy has " + p.logits().size() + " decisions, expected "
                    + alternativesPerDecision.size());
        }
        for (int d = 0; d < alternativesPerDecision.size(); d++) {
            if (p.logits().get(d).size() != alternativesPerDecision.get(d)) {
                throw new IllegalArgumentException("policy decision " + d + " has " + p.logits().get(d).size()
                        + " logits, expected " + alternativesPerDecision.get(d) + " alternatives");
            }
        }
    }

    /** Alternatives per decision of well-formed parameters (the shape {@link #requireShape} compares). */
    public static List<Integer> shape(PolicyParameters p) {
        return p.logits().stream().map(List::size).toList();
    }

    private static void requireFinite(Double v, String what) {
        if (v == null || !Double.isFinite(v)) {
            throw new IllegalArgumentException("policy " + what + " is " + v + ", not a finite number");
        }
    }

    /** Probabilities of the alternatives of decision {@code d}. */
    public static double[] probabilities(PolicyParameters p, int d, int parentChoice, boolean[] available) {
        List<Double> theta = p.logits().get(d);
        double kappa = p.keepBias().get(d);
        double[] z = new double[theta.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < z.length; a++) {
            z[a] = available[a] ? theta.get(a) + (a == parentChoice ? kappa : 0.0) : Double.NEGATIVE_INFINITY;
            max = Math.max(max, z[a]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("decision " + d + " has no available alternative");
        }
        double sum = 0;
        for (int a = 0; a < z.length; a++) {
            z[a] = available[a] ? Math.exp(z[a] - max) : 0.0;
            sum += z[a];
        }
        for (int a = 0; a < z.length; a++) {
            z[a] /= sum;
        }
        return z;
    }

    /**
     * Probabilities of decision {@code d}'s new alternative when a one-edit policy edits it: softmax(logits) over the
     * available alternatives other than the parent's.
     */
    public static double[] editProbabilities(PolicyParameters p, int d, int parentChoice, boolean[] available) {
        List<Double> theta = p.logits().get(d);
        double[] z = new double[theta.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < z.length; a++) {
            z[a] = available[a] && a != parentChoice ? theta.get(a) : Double.NEGATIVE_INFINITY;
            max = Math.max(max, z[a]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("decision " + d + " has no other available alternative");
        }
        double sum = 0;
        for (int a = 0; a < z.length; a++) {
            z[a] = z[a] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(z[a] - max);
            sum += z[a];
        }
        for (int a = 0; a < z.length; a++) {
            z[a] /= sum;
        }
        return z;
    }

    /** The decisions a one-edit policy may edit in {@code parent}: active ones with another available alternative. */
    public static List<Integer> editable(List<Integer> parent, Choosable choosable) {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < parent.size(); d++) {
            if (choosable.active(d, parent) && choosable.count(d) > (choosable.available(d)[parent.get(d)] ? 1 : 0)) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Which decision a one-edit policy edits in {@code parent}: the marginal of its edit distribution, P(d, a)
     * proportional to exp(theta[d][a] - keepBias[d]) (relative-edit: exp(theta[d][a] - theta[d][p_d] - keepBias[d]))
     * over the editable decisions d and their available alternatives a other than the parent's p_d; so P(d) is
     * proportional to exp(-keepBias[d] [- theta[d][p_d]]) sum_a exp(theta[d][a]) (0 for the decisions it cannot edit).
     * An edit the policy has learned to value draws the edit to its decision; a decision it has learned to keep is
     * edited less often.
     */
    public static double[] editDecisionProbabilities(PolicyParameters p, List<Integer> parent, Choosable choosable) {
        double[] z = new double[parent.size()];
        List<Integer> editable = editable(parent, choosable);
        if (editable.isEmpty()) {
            return z;
        }
        double[] logit = new double[parent.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int d : editable) {
            logit[d] = -p.keepBias().get(d) - (p.relative() ? p.logits().get(d).get(parent.get(d)) : 0.0)
                    + logSumOthers(p, d, parent.get(d), choosable.available(d));
            max = Math.max(max, logit[d]);
        }
        double sum = 0;
        for (int d : editable) {
            z[d] = Math.exp(logit[d] - max);
            sum += z[d];
        }
        for (int d : editable) {
            z[d] /= sum;
        }
        return z;
    }

    private static double logSumOthers(PolicyParameters p, int d, int parentChoice, boolean[] available) {
        double max = Double.NEGATIVE_INFINITY;
        List<Double> theta = p.logits().get(d);
        for (int a = 0; a < theta.size(); a++) {
            if (available[a] && a != parentChoice) {
                max = Math.max(max, theta.get(a));
            }
        }
        double sum = 0;
        for (int a = 0; a < theta.size(); a++) {
            if (available[a] && a != parentChoice) {
                sum += Math.exp(theta.get(a) - max);
            }
        }
        return max + Math.log(sum);
    }

    /** Whether a one-edit draw applies: the policy is one-edit and the parent has a choice everywhere. */
    public static boolean editsParent(PolicyParameters p, List<Integer> parent) {
        return p.oneEdit() && !parent.contains(NO_PARENT);
    }

    /** Log-probability of each chosen alternative. */
    public static List<Double> logprobs(PolicyParameters p, List<Integer> parent, List<Integer> choices,
                                        List<boolean[]> available) {
        return logprobs(p, parent, choices, Choosable.of(available));
    }

    /**
     * Log-probability of each chosen alternative; 0 where a choice was forced (an inactive decision, or a decision a
     * one-edit policy left as it was). Under a one-edit policy the edited decision carries the whole edit's logprob
     * (which decision, then which alternative).
     *
     * @throws IllegalArgumentException when a one-edit policy could not have drawn {@code choices} from
     *                                  {@code parent} (they differ in more than one decision)
     */
    public static List<Double> logprobs(PolicyParameters p, List<Integer> parent, List<Integer> choices,
                                        Choosable choosable) {
        List<Double> out = new ArrayList<>(choices.size());
        if (editsParent(p, parent)) {
            List<Integer> editable = editable(parent, choosable);
            int edited = -1;
            for (int d = 0; d < choices.size(); d++) {
                if (!choices.get(d).equals(parent.get(d))) {
                    if (edited >= 0 || !editable.contains(d)) {
                        throw new IllegalArgumentException("a one-edit policy cannot draw these choices: they differ "
                                + "from the parent's in decision " + d + (edited >= 0 ? " and " + edited : ", which "
                                + "is not editable"));
                    }
                    edited = d;
                }
            }
            double[] which = editDecisionProbabilities(p, parent, choosable);
            for (int d = 0; d < choices.size(); d++) {
                out.add(d != edited ? 0.0 : Math.log(which[d])
                        + Math.log(editProbabilities(p, d, parent.get(d), choosable.available(d))[choices.get(d)]));
            }
            return out;
        }
        for (int d = 0; d < choices.size(); d++) {
            if (!choosable.active(d, choices)) {
                out.add(0.0);
                continue;
            }
            double[] probs = probabilities(p, d, parent.get(d), choosable.available(d));
            out.add(Math.log(probs[choices.get(d)]));
        }
        return out;
    }

    /** Mean entropy (nats) per decision of the policy given a parent. */
    public static double entropy(PolicyParameters p, List<Integer> parent, List<boolean[]> available) {
        return entropy(p, parent, Choosable.of(available));
    }

    /**
     * Mean entropy (nats) per decision of the policy given a parent: per-decision, the sum over active decisions;
     * one-edit, the entropy of the whole edit (which decision, then which alternative). Divided by the decisions.
     */
    public static double entropy(PolicyParameters p, List<Integer> parent, Choosable choosable) {
        double total = 0;
        if (editsParent(p, parent)) {
            double[] which = editDecisionProbabilities(p, parent, choosable);
            total = entropyOf(which);
            for (int d = 0; d < which.length; d++) {
                if (which[d] > 0) {
                    total += which[d] * entropyOf(editProbabilities(p, d, parent.get(d), choosable.available(d)));
                }
            }
            return total / parent.size();
        }
        for (int d = 0; d < parent.size(); d++) {
            if (choosable.active(d, parent)) {
                total += entropyOf(probabilities(p, d, parent.get(d), choosable.available(d)));
            }
        }
        return total / parent.size();
    }

    private static double entropyOf(double[] probs) {
        double h = 0;
        for (double q : probs) {
            if (q > 0) {
                h -= q * Math.log(q);
            }
        }
        return h;
    }

    /** Draws one program: a choice per decision and its logprob. */
    public static Choices sample(PolicyParameters p, List<Integer> parent, List<boolean[]> available, Random rng) {
        return sample(p, parent, Choosable.of(available), rng);
    }

    /**
     * Draws one program from {@code parent}. One-edit: the parent with one editable decision (drawn from
     * {@link #editDecisionProbabilities}) set to an alternative drawn from {@link #editProbabilities}. Per-decision
     * (or a parent without choices): every active decision drawn from {@link #probabilities}; an inactive one keeps
     * the parent's choice (its first available alternative when the parent has none), forced.
     */
    public static Choices sample(PolicyParameters p, List<Integer> parent, Choosable choosable, Random rng) {
        int n = parent.size();
        List<Integer> choices = new ArrayList<>(n);
        List<Double> logprobs = new ArrayList<>(n);
        List<Boolean> drawn = new ArrayList<>(n);
        if (editsParent(p, parent)) {
            double[] which = editDecisionProbabilities(p, parent, choosable);
            if (Arrays.stream(which).sum() == 0) {
                return edited(parent, -1, -1, 0.0); // nothing to edit: the parent again, every choice forced
            }
            int d = draw(which, rng);
            double[] probs = editProbabilities(p, d, parent.get(d), choosable.available(d));
            int pick = draw(probs, rng);
            return edited(parent, d, pick, Math.log(which[d]) + Math.log(probs[pick]));
        }
        for (int d = 0; d < n; d++) {
            if (!choosable.active(d, choices)) {
                choices.add(parent.get(d) >= 0 ? parent.get(d) : firstAvailable(choosable.available(d)));
                logprobs.add(0.0);
                drawn.add(false);
                continue;
            }
            double[] probs = probabilities(p, d, parent.get(d), choosable.available(d));
            int pick = draw(probs, rng);
            choices.add(pick);
            logprobs.add(Math.log(probs[pick]));
            drawn.add(true);
        }
        return new Choices(List.copyOf(choices), List.copyOf(logprobs), List.copyOf(drawn));
    }

    private static int draw(double[] probs, Random rng) {
        double u = rng.nextDouble();
        int pick = -1;
        double cumulative = 0;
        for (int a = 0; a < probs.length; a++) {
            if (probs[a] == 0) {
                continue;
            }
            pick = a;
            cumulative += probs[a];
            if (u < cumulative) {
                break;
            }
        }
        return pick;
    }

    private static int firstAvailable(boolean[] available) {
        for (int a = 0; a < available.length; a++) {
            if (available[a]) {
                return a;
            }
        }
        throw new IllegalArgumentException("a decision has no available alternative");
    }

    /**
     * A group of {@code n} children of one parent under a one-edit form: the edits drawn without replacement from the
     * edit distribution (Gumbel top-k over every editable (decision, alternative) pair: the first is an exact draw,
     * each next one a draw from what is left), so a group tests {@code n} different changes while the parent has that
     * many, and after that the list repeats from its start. A policy sure of one edit would otherwise fill the group
     * with copies of it, a group of equal rewards with no gradient (that is how a fast-learning edit policy collapsed
     * on the H200 stage model).
     * <p>
     * The run's evaluated programs ({@code evaluated}, those of earlier steps) order the draw in three tiers, each in
     * draw order: first the edits to an alternative that no evaluated program within {@value #NEAR} decisions of the
     * parent has ({@link #untriedNear}), then the other edits, and last the edits that would give an evaluated
     * program. The logits carry what earlier steps learned about an alternative, including where it was measured in
     * another context: on the H200 stage model the float16 row LayerNorm is slow before the projection is fused and
     * the fastest choice after, and an alternative learned to be bad early was not tried again for hundreds of
     * evaluations (greedy search re-tries every alternative in every sweep). Trying an alternative first where it is
     * new near the parent keeps that coverage; the logits still pick which of those, and the rest of the group.
     * Each child records its edit's own logprob under the policy ({@link #logprobs}), the probability of drawing it
     * first: the importance ratio the trainer computes from it is exact for that draw and an approximation for the
     * later ones (and for the tiers' reordering).
     *
     * @param evaluated choices of programs the run evaluated (null or empty: none)
     * @throws IllegalArgumentException when the policy is not a one-edit form or the parent has nothing to edit
     */
    public static List<Choices> drawEdits(PolicyParameters p, List<Integer> parent, Choosable choosable, int n,
                                          Set<List<Integer>> evaluated, Random rng) {
        if (!editsParent(p, parent)) {
            throw new IllegalArgumentException("only a one-edit policy draws edits of a parent with choices");
        }
        double[] which = editDecisionProbabilities(p, parent, choosable);
        List<double[]> keys = new ArrayList<>(); // {Gumbel key, decision, alternative, the edit's logprob}
        for (int d = 0; d < which.length; d++) {
            if (which[d] == 0) {
                continue;
            }
            double[] q = editProbabilities(p, d, parent.get(d), choosable.available(d));
            for (int a = 0; a < q.length; a++) {
                if (q[a] > 0) {
                    double logprob = Math.log(which[d]) + Math.log(q[a]);
                    keys.add(new double[] {logprob - Math.log(-Math.log(uniformOpen(rng))), d, a, logprob});
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the parent has no decision to edit");
        }
        keys.sort((x, y) -> Double.compare(y[0], x[0]));
        if (evaluated != null && !evaluated.isEmpty()) { // three tiers, each in draw order
            boolean[][] untried = untriedNear(parent, choosable, evaluated);
            List<double[]> fresh = new ArrayList<>(keys.size());
            List<double[]> known = new ArrayList<>();
            List<double[]> stale = new ArrayList<>();
            for (double[] key : keys) {
                int d = (int) key[1];
                int a = (int) key[2];
                List<Integer> child = new ArrayList<>(parent);
                child.set(d, a);
                (evaluated.contains(child) ? stale : untried[d][a] ? fresh : known).add(key);
            }
            fresh.addAll(known);
            fresh.addAll(stale);
            keys = fresh;
        }
        List<Choices> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] key = keys.get(i % keys.size());
            out.add(edited(parent, (int) key[1], (int) key[2], key[3]));
        }
        return out;
    }

    /**
     * Per decision and alternative: whether no program of {@code evaluated} within {@value #NEAR} decisions of
     * {@code parent} has it. A program has (d, a) when its choice at d is a and d is active in it; the distance counts
     * the decisions where the two choose differently and that are active in either (a dead slot is no difference).
     */
    public static boolean[][] untriedNear(List<Integer> parent, Choosable choosable,
                                          Collection<List<Integer>> evaluated) {
        boolean[][] untried = new boolean[parent.size()][];
        for (int d = 0; d < parent.size(); d++) {
            untried[d] = new boolean[choosable.available(d).length];
            Arrays.fill(untried[d], true);
        }
        for (List<Integer> program : evaluated) {
            if (program.size() != parent.size() || distance(parent, program, choosable) > NEAR) {
                continue;
            }
            for (int d = 0; d < program.size(); d++) {
                int a = program.get(d);
                if (a >= 0 && a < untried[d].length && choosable.active(d, program)) {
                    untried[d][a] = false;
                }
            }
        }
        return untried;
    }

    private static int distance(List<Integer> x, List<Integer> y, Choosable choosable) {
        int differ = 0;
        for (int d = 0; d < x.size() && differ <= NEAR; d++) {
            if (!x.get(d).equals(y.get(d)) && (choosable.active(d, x) || choosable.active(d, y))) {
                differ++;
            }
        }
        return differ;
    }

    /**
     * The parent with decision {@code d} set to {@code a}, that token carrying the edit's {@code logprob}, every
     * other choice forced; {@code d < 0}: the parent unchanged.
     */
    private static Choices edited(List<Integer> parent, int d, int a, double logprob) {
        List<Integer> choices = new ArrayList<>(parent);
        List<Double> logprobs = new ArrayList<>(Collections.nCopies(parent.size(), 0.0));
        List<Boolean> drawn = new ArrayList<>(Collections.nCopies(parent.size(), false));
        if (d >= 0) {
            choices.set(d, a);
            logprobs.set(d, logprob);
            drawn.set(d, true);
        }
        return new Choices(List.copyOf(choices), List.copyOf(logprobs), List.copyOf(drawn));
    }

    /** A uniform draw in (0, 1): never 0, whose log would be infinite. */
    private static double uniformOpen(Random rng) {
        double u;
        do {
            u = rng.nextDouble();
        } while (u == 0.0);
        return u;
    }

    /**
     * @param drawn per decision, whether it was drawn (false: forced, carrying logprob 0 and no advantage)
     */
    public record Choices(List<Integer> choices, List<Double> logprobs, List<Boolean> drawn) {
        public Choices(List<Integer> choices, List<Double> logprobs) {
            this(choices, logprobs, Collections.nCopies(choices.size(), true));
        }

        /** The token trace's completion mask: null when every choice was drawn. */
        public List<Integer> mask() {
            return drawn.stream().allMatch(b -> b) ? null : drawn.stream().map(b -> b ? 1 : 0).toList();
        }
    }

    /**
     * A prompt's candidates: {@code n} programs drawn given the parent's choices, each rendered, with its token trace
     * (the parent's choices as prompt, the drawn ones as completion, forced choices masked). Per-decision: sample i is
     * seeded by (prompt id, i). One-edit forms: the group's edits are drawn together ({@link #drawEdits}, seeded by
     * the prompt id). Either way a redelivered prompt yields the same candidates.
     *
     * @param version the policy version {@code p} is, recorded with every sample
     */
    public static List<Sample> samplePrompt(PolicyParameters p, long version, ProgramSpace space, ParentState parent,
                                            String target, String promptId, int n) {
        return samplePrompt(p, version, space, parent, target, promptId, n, null);
    }

    /**
     * A prompt's candidates, as {@link #samplePrompt(PolicyParameters, long, ProgramSpace, ParentState, String,
     * String, int)}, with a one-edit form drawing no program of {@code evaluated} while it has other edits.
     *
     * @param evaluated choices of the programs the run evaluated in earlier steps (the prompt's
     *                  {@link io.tttdiscover.protocol.event.PromptEvent#evaluated}); null for none
     */
    public static List<Sample> samplePrompt(PolicyParameters p, long version, ProgramSpace space, ParentState parent,
                                            String target, String promptId, int n,
                                            List<List<Integer>> evaluated) {
        List<Integer> parentChoices = parentChoices(parent, space);
        Choosable choosable = space.choosable(target);
        List<Sample> samples = new ArrayList<>(n);
        List<Choices> edits = editsParent(p, parentChoices) && !editable(parentChoices, choosable).isEmpty()
                ? drawEdits(p, parentChoices, choosable, n, evaluated == null ? null : new HashSet<>(evaluated),
                new Random(seed(promptId, -1))) : null;
        for (int i = 0; i < n; i++) {
            Choices drawn = edits != null ? edits.get(i)
                    : sample(p, parentChoices, choosable, new Random(seed(promptId, i)));
            TokenTrace trace = new TokenTrace(parentChoices, drawn.choices(), drawn.logprobs(), drawn.mask());
            samples.add(new Sample(space.render(drawn.choices()), trace, version));
        }
        return samples;
    }

    /** The parent's choices as the policy's prompt tokens, {@link #NO_PARENT} where it has none. */
    static List<Integer> parentChoices(ParentState parent, ProgramSpace space) {
        if (parent == null || parent.choices() == null || parent.choices().isEmpty()) {
            return Collections.nCopies(space.size(), NO_PARENT);
        }
        List<Integer> choices = parent.choices();
        if (choices.size() != space.size()) {
            throw new IllegalArgumentException("parent " + parent.stateId() + " has " + choices.size()
                    + " choices, the program space has " + space.size() + " decisions");
        }
        for (int d = 0; d < choices.size(); d++) {
            int c = choices.get(d);
            if (c != NO_PARENT && (c < 0 || c >= space.decisions().get(d).size())) {
                throw new IllegalArgumentException("parent " + parent.stateId() + " choice " + c
                        + " out of range for decision " + space.decisions().get(d).name());
            }
        }
        return List.copyOf(choices);
    }

    /** A stable 64-bit seed from the prompt id (FNV-1a) and the sample index (-1: the whole group's draw). */
    static long seed(String promptId, int index) {
        long h = 0xcbf29ce484222325L;
        for (byte b : promptId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return h ^ ((index + 1) * 0x9E3779B97F4A7C15L);
    }
}
