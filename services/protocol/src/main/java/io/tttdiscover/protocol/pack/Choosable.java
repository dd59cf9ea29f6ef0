package io.tttdiscover.protocol.pack;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What may be chosen in a program space on one target: per decision, the alternatives that run there, and whether
 * the decision is active given the choices of earlier decisions ({@link ActiveWhen}).
 *
 * @param available per decision, which alternatives run on the target
 * @param condition per decision, null if always active, else the earlier decision it depends on and, per alternative
 *                  of that decision, whether this one is active under it
 */
public record Choosable(List<boolean[]> available, List<Condition> condition) {

    /** Decision {@code on} (an earlier one) must hold an alternative whose flag is set. */
    public record Condition(int on, boolean[] activeUnder) {
    }

    public Choosable {
        available = List.copyOf(available);
        condition = condition == null ? null : Collections.unmodifiableList(new ArrayList<>(condition));
        if (condition != null && condition.size() != available.size()) {
            throw new IllegalArgumentException(condition.size() + " conditions for " + available.size()
                    + " decisions");
        }
    }

    /** Every decision always active: a space without conditions. */
    public static Choosable of(List<boolean[]> available) {
        return new Choosable(available, null);
    }

    public int size() {
        return available.size();
    }

    public boolean[] available(int d) {
        return available.get(d);
    }

    /** Whether decision d matters given {@code choices} (only the choices of earlier decisions are read). */
    public boolean active(int d, List<Integer> choices) {
        if (condition == null || condition.get(d) == null) {
            return true;
        }
        Condition c = condition.get(d);
        int held = choices.get(c.on());
        return held >= 0 && held < c.activeUnder().length && c.activeUnder()[held];
    }

    /** How many alternatives of decision d run on the target. */
    public int count(int d) {
        int n = 0;
        for (boolean b : available.get(d)) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /**
     * How many different programs there are: choices of inactive decisions do not count (their slots are dead code).
     */
    public BigInteger programs() {
        boolean[] controls = new boolean[size()];
        if (condition != null) {
            for (Condition c : condition) {
                if (c != null) {
                    controls[c.on()] = true;
                }
            }
        }
        List<Integer> choices = new ArrayList<>(Collections.nCopies(size(), -1));
        return count(0, choices, controls);
    }

    private BigInteger count(int d, List<Integer> choices, boolean[] controls) {
        if (d == size()) {
            return BigInteger.ONE;
        }
        if (!active(d, choices)) {
            return count(d + 1, choices, controls);
        }
        if (!controls[d]) {
            return BigInteger.valueOf(count(d)).multiply(count(d + 1, choices, controls));
        }
        BigInteger total = BigInteger.ZERO;
        for (int a = 0; a < available.get(d).length; a++) {
            if (available.get(d)[a]) {
                choices.set(d, a);
                total = total.add(count(d + 1, choices, controls));
            }
        }
        choices.set(d, -1);
        return total;
    }
}
