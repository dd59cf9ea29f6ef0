package io.tttdiscover.protocol.policy;

import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.spi.Sample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The embedded policy's distribution, shared by the sampler (which samples from it) and the embedded training
 * backend (which differentiates it), so both compute the same logprobs.
 *
 * <p>Each decision point d is one "token". Given the parent program's choice p at d (or -1 for none), the logit of
 * alternative a is {@code theta[d][a] + kappa[d] * [a == p]}: the policy learns which alternatives are fast and how
 * much to edit its parent, as an LLM edits the code in its prompt. Alternatives that cannot run on the target device
 * are masked out.
 */
public final class ProgramSpacePolicy {
    /** Parent choice used when a state has no program (an initial state). */
    public static final int NO_PARENT = -1;

    private ProgramSpacePolicy() {
    }

    /** Uniform over alternatives, with an initial preference {@code keepBias} for the parent's choice. */
    public static PolicyParameters initial(List<Integer> alternativesPerDecision, double keepBias) {
        List<List<Double>> logits = new ArrayList<>();
        for (int n : alternativesPerDecision) {
            logits.add(Collections.nCopies(n, 0.0));
        }
        return new PolicyParameters(logits, Collections.nCopies(alternativesPerDecision.size(), keepBias));
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

    /** Log-probability of each chosen alternative. */
    public static List<Double> logprobs(PolicyParameters p, List<Integer> parent, List<Integer> choices,
                                        List<boolean[]> available) {
        List<Double> out = new ArrayList<>(choices.size());
        for (int d = 0; d < choices.size(); d++) {
            double[] probs = probabilities(p, d, parent.get(d), available.get(d));
            out.add(Math.log(probs[choices.get(d)]));
        }
        return out;
    }

    /** Mean entropy (nats) per decision of the policy given a parent. */
    public static double entropy(PolicyParameters p, List<Integer> parent, List<boolean[]> available) {
        double total = 0;
        for (int d = 0; d < parent.size(); d++) {
            for (double q : probabilities(p, d, parent.get(d), available.get(d))) {
                if (q > 0) {
                    total -= q * Math.log(q);
                }
            }
        }
        return total / parent.size();
    }

    /** Draws one program: a choice per decision and its logprob. */
    public static Choices sample(PolicyParameters p, List<Integer> parent, List<boolean[]> available, Random rng) {
        List<Integer> choices = new ArrayList<>(parent.size());
        List<Double> logprobs = new ArrayList<>(parent.size());
        for (int d = 0; d < parent.size(); d++) {
            double[] probs = probabilities(p, d, parent.get(d), available.get(d));
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
            choices.add(pick);
            logprobs.add(Math.log(probs[pick]));
        }
        return new Choices(List.copyOf(choices), List.copyOf(logprobs));
    }

    public record Choices(List<Integer> choices, List<Double> logprobs) {
    }

    /**
     * A prompt's candidates: {@code n} programs drawn given the parent's choices, each rendered, with its token trace
     * (the parent's choices as prompt, the drawn ones as completion). Sample i is seeded by (prompt id, i), so a
     * redelivered prompt yields the same candidates.
     *
     * @param version the policy version {@code p} is, recorded with every sample
     */
    public static List<Sample> samplePrompt(PolicyParameters p, long version, ProgramSpace space, ParentState parent,
                                            String target, String promptId, int n) {
        List<Integer> parentChoices = parentChoices(parent, space);
        List<boolean[]> available = space.available(target);
        List<Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Choices drawn = sample(p, parentChoices, available, new Random(seed(promptId, i)));
            TokenTrace trace = new TokenTrace(parentChoices, drawn.choices(), drawn.logprobs(), null);
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

    /** A stable 64-bit seed from the prompt id (FNV-1a) and the sample index. */
    static long seed(String promptId, int index) {
        long h = 0xcbf29ce484222325L;
        for (byte b : promptId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return h ^ ((index + 1) * 0x9E3779B97F4A7C15L);
    }
}
