package io.tttdiscover.protocol.pack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The programs a pack lets the embedded policy write: a template whose {@code {{slot}}}s are filled by one
 * alternative per decision point. A list of choices (one alternative index per decision) renders one program.
 */
public record ProgramSpace(String problemId, String template, List<Decision> decisions) {

    public ProgramSpace {
        decisions = List.copyOf(decisions);
        for (Decision d : decisions) {
            if (!template.contains(slot(d.name()))) {
                throw new IllegalArgumentException("template has no slot " + slot(d.name()));
            }
            if (d.alternatives().isEmpty()) {
                throw new IllegalArgumentException("decision " + d.name() + " has no alternatives");
            }
        }
        for (int d = 0; d < decisions.size(); d++) {
            ActiveWhen when = decisions.get(d).activeWhen();
            if (when == null) {
                continue;
            }
            int on = indexOf(decisions, when.decision());
            if (on < 0 || on >= d) {
                throw new IllegalArgumentException("decision " + decisions.get(d).name() + ": active_when names "
                        + when.decision() + ", which is not an earlier decision");
            }
            for (String a : when.alternatives()) {
                if (decisions.get(on).indexOf(a) < 0) {
                    throw new IllegalArgumentException("decision " + decisions.get(d).name() + ": active_when names "
                            + when.decision() + "=" + a + ", which is no alternative of " + when.decision());
                }
            }
        }
    }

    private static int indexOf(List<Decision> decisions, String name) {
        for (int d = 0; d < decisions.size(); d++) {
            if (decisions.get(d).name().equals(name)) {
                return d;
            }
        }
        return -1;
    }

    /** What the embedded policy may choose on {@code target}: the available alternatives and the conditions. */
    public Choosable choosable(String target) {
        List<Choosable.Condition> conditions = new ArrayList<>();
        boolean any = false;
        for (Decision d : decisions) {
            ActiveWhen when = d.activeWhen();
            if (when == null) {
                conditions.add(null);
                continue;
            }
            any = true;
            int on = indexOf(decisions, when.decision());
            boolean[] under = new boolean[decisions.get(on).size()];
            for (String a : when.alternatives()) {
                under[decisions.get(on).indexOf(a)] = true;
            }
            conditions.add(new Choosable.Condition(on, under));
        }
        return new Choosable(available(target), any ? conditions : null);
    }

    public int size() {
        return decisions.size();
    }

    /** How many alternatives each decision has: the shape the embedded policy's parameters must have. */
    public List<Integer> alternativesPerDecision() {
        return decisions.stream().map(Decision::size).toList();
    }

    public String render(List<Integer> choices) {
        if (choices.size() != decisions.size()) {
            throw new IllegalArgumentException("expected " + decisions.size() + " choices, got " + choices.size());
        }
        String program = template;
        for (int d = 0; d < decisions.size(); d++) {
            Decision decision = decisions.get(d);
            int choice = choices.get(d);
            if (choice < 0 || choice >= decision.size()) {
                throw new IllegalArgumentException("choice " + choice + " out of range for " + decision.name());
            }
            program = program.replace(slot(decision.name()), decision.alternatives().get(choice).code().strip());
        }
        return program;
    }

    /** The all-baseline choices: the plain program every run starts from. */
    public List<Integer> baseline() {
        return Collections.nCopies(decisions.size(), 0);
    }

    /** Per decision, which alternatives may be chosen for a target device. */
    public List<boolean[]> available(String target) {
        List<boolean[]> masks = new ArrayList<>();
        for (Decision d : decisions) {
            boolean[] mask = new boolean[d.size()];
            for (int a = 0; a < d.size(); a++) {
                mask[a] = d.alternatives().get(a).runsOn(target);
            }
            masks.add(mask);
        }
        return masks;
    }

    /** Human-readable choices, e.g. {@code layernorm=torch_layer_norm, contraction=bmm}. */
    public String describe(List<Integer> choices) {
        List<String> parts = new ArrayList<>();
        for (int d = 0; d < decisions.size(); d++) {
            parts.add(decisions.get(d).name() + "=" + decisions.get(d).alternatives().get(choices.get(d)).name());
        }
        return String.join(", ", parts);
    }

    private static String slot(String name) {
        return "{{" + name + "}}";
    }
}
