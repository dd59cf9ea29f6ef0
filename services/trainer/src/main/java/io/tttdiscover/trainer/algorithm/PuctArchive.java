package io.tttdiscover.trainer.algorithm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The archive of start states and PUCT selection over it:
 * {@code score(s) = Q(s) + c * scale * P(s) * sqrt(1 + T) / (1 + n(s))}.
 *
 * <p>Choices the spec leaves open, made here:
 * <ul>
 *   <li>An initial state has no measured value; its R is the minimum value in the archive (0 while there is none), so
 *   it never looks better than what the run has found, but keeps its exploration bonus.</li>
 *   <li>Q(s) = m(s) once s has a successful direct child; while n(s) &gt; 0 comes only from failed rollouts or from
 *   grandchildren, there is no m yet and Q falls back to R(s).</li>
 *   <li>Ties in value share no rank: ranks follow value, then insertion order.</li>
 *   <li>A child whose code is already in the archive is not added again (its parent's n and m still update).</li>
 *   <li>When fewer unblocked states exist than groups are wanted, the picked states are reused in order, so a step
 *   always has its configured number of groups (the first step starts every group from the initial state).</li>
 * </ul>
 * Not thread-safe: a run's archive is used from that run's own thread.
 */
public final class PuctArchive {
    public static final double EXPLORATION_C = 1.0;
    public static final double MIN_SCALE = 1e-6;
    public static final int CHILDREN_KEPT_PER_PARENT = 2;
    public static final int MAX_SIZE = 1000;

    private final Map<String, ArchiveState> states = new LinkedHashMap<>();
    private final Map<String, Integer> visits = new HashMap<>();
    private final Map<String, Double> bestChild = new HashMap<>();
    private final Map<String, String> idByCode = new HashMap<>();
    private long totalRollouts;
    private final int maxSize;

    public PuctArchive() {
        this(MAX_SIZE);
    }

    public PuctArchive(int maxSize) {
        this.maxSize = maxSize;
    }

    public void addInitial(ArchiveState state) {
        if (!state.initial()) {
            throw new IllegalArgumentException(state.id() + " is not an initial state");
        }
        put(state);
    }

    public int size() {
        return states.size();
    }

    public long totalRollouts() {
        return totalRollouts;
    }

    public Optional<ArchiveState> get(String id) {
        return Optional.ofNullable(states.get(id));
    }

    public List<ArchiveState> states() {
        return List.copyOf(states.values());
    }

    public int visits(String id) {
        return visits.getOrDefault(id, 0);
    }

    /** m(s), the best value of a direct child, if s has had a successful one. */
    public Optional<Double> bestChildValue(String id) {
        return Optional.ofNullable(bestChild.get(id));
    }

    /** R(s): the state's value, or for an initial state the archive's minimum value (0 if none). */
    public double value(ArchiveState s) {
        return s.value() != null ? s.value() : minMeasuredValue();
    }

    /** max R - min R over non-initial states, floored at 1e-6. */
    public double scale() {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (ArchiveState s : states.values()) {
            if (!s.initial() && s.value() != null) {
                max = Math.max(max, s.value());
                min = Math.min(min, s.value());
            }
        }
        return max == Double.NEGATIVE_INFINITY ? MIN_SCALE : Math.max(MIN_SCALE, max - min);
    }

    /** P(s) = (N - rank) / sum (N - rank), rank 0 = best value. */
    public Map<String, Double> priors() {
        List<ArchiveState> ranked = byValueDescending();
        int n = ranked.size();
        double norm = n * (n + 1) / 2.0;
        Map<String, Double> p = new HashMap<>();
        for (int rank = 0; rank < n; rank++) {
            p.put(ranked.get(rank).id(), (n - rank) / norm);
        }
        return p;
    }

    public Map<String, Double> scores() {
        Map<String, Double> priors = priors();
        double scale = scale();
        double sqrtT = Math.sqrt(1.0 + totalRollouts);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (ArchiveState s : states.values()) {
            int n = visits(s.id());
            Double m = bestChild.get(s.id());
            double q = n > 0 && m != null ? m : value(s);
            scores.put(s.id(), q + EXPLORATION_C * scale * priors.get(s.id()) * sqrtT / (1.0 + n));
        }
        return scores;
    }

    /**
     * Picks {@code count} start states greedily by (score, value); a picked state's ancestors and descendants are
     * blocked for the rest of the batch, its siblings are not.
     */
    public List<ArchiveState> select(int count) {
        if (states.isEmpty()) {
            throw new IllegalStateException("the archive is empty");
        }
        Map<String, Double> scores = scores();
        List<ArchiveState> order = new ArrayList<>(states.values());
        order.sort(Comparator.<ArchiveState>comparingDouble(s -> scores.get(s.id()))
                .thenComparingDouble(this::value).reversed());
        List<ArchiveState> picked = new ArrayList<>();
        Set<String> blocked = new HashSet<>();
        for (ArchiveState s : order) {
            if (picked.size() == count) {
                break;
            }
            if (blocked.contains(s.id())) {
                continue;
            }
            picked.add(s);
            blocked.add(s.id());
            blocked.addAll(ancestors(s.id()));
            blocked.addAll(descendants(s.id()));
        }
        int distinct = picked.size();
        for (int i = 0; picked.size() < count; i++) {
            picked.add(picked.get(i % distinct));
        }
        return List.copyOf(picked);
    }

    /**
     * Records one rollout from {@code parentId}: n += 1 for the parent and its ancestors, T += 1, and for a successful
     * rollout m(parent) = max(m, value) and a new child state unless its code is already archived.
     *
     * @param child the new state, null for a failed rollout
     * @return the child if it was added
     */
    public Optional<ArchiveState> recordRollout(String parentId, ArchiveState child) {
        totalRollouts++;
        if (states.containsKey(parentId)) {
            visits.merge(parentId, 1, Integer::sum);
            for (String a : ancestors(parentId)) {
                visits.merge(a, 1, Integer::sum);
            }
        }
        if (child == null) {
            return Optional.empty();
        }
        if (child.value() == null || child.initial()) {
            throw new IllegalArgumentException("a child state needs a value");
        }
        if (states.containsKey(parentId)) {
            bestChild.merge(parentId, child.value(), Math::max);
        }
        if (idByCode.containsKey(child.code()) || states.containsKey(child.id())) {
            return Optional.empty();
        }
        put(child);
        return Optional.of(child);
    }

    /**
     * After a step: keep the best {@value #CHILDREN_KEPT_PER_PARENT} children of every parent, then the best states
     * up to the size cap; initial states always stay.
     */
    public void prune() {
        Map<String, List<ArchiveState>> children = new HashMap<>();
        for (ArchiveState s : states.values()) {
            if (!s.initial() && s.parentId() != null) {
                children.computeIfAbsent(s.parentId(), k -> new ArrayList<>()).add(s);
            }
        }
        Set<String> removed = new HashSet<>();
        for (List<ArchiveState> siblings : children.values()) {
            siblings.sort(Comparator.comparingDouble((ArchiveState s) -> s.value()).reversed());
            for (int i = CHILDREN_KEPT_PER_PARENT; i < siblings.size(); i++) {
                removed.add(siblings.get(i).id());
            }
        }
        List<ArchiveState> survivors = new ArrayList<>();
        long initialCount = 0;
        for (ArchiveState s : states.values()) {
            if (s.initial()) {
                initialCount++;
            } else if (!removed.contains(s.id())) {
                survivors.add(s);
            }
        }
        survivors.sort(Comparator.comparingDouble((ArchiveState s) -> s.value()).reversed());
        long room = Math.max(0, maxSize - initialCount);
        for (int i = (int) Math.min(room, survivors.size()); i < survivors.size(); i++) {
            removed.add(survivors.get(i).id());
        }
        for (String id : removed) {
            ArchiveState s = states.remove(id);
            idByCode.remove(s.code());
            visits.remove(id);
            bestChild.remove(id);
        }
    }

    /** Ancestors still in the archive, nearest first (the chain stops at a pruned one). */
    public List<String> ancestors(String id) {
        List<String> out = new ArrayList<>();
        ArchiveState s = states.get(id);
        Set<String> seen = new HashSet<>();
        while (s != null && s.parentId() != null && seen.add(s.parentId())) {
            s = states.get(s.parentId());
            if (s != null) {
                out.add(s.id());
            }
        }
        return out;
    }

    public Set<String> descendants(String id) {
        Set<String> out = new HashSet<>();
        for (ArchiveState s : states.values()) {
            if (!s.id().equals(id) && ancestors(s.id()).contains(id)) {
                out.add(s.id());
            }
        }
        return out;
    }

    /**
     * Everything the archive knows, to persist between steps: its states in insertion order, visit counts, best child
     * values and the rollout count. {@link #restore} gives back an archive that selects and updates exactly as this one.
     */
    public Snapshot snapshot() {
        return new Snapshot(maxSize, List.copyOf(states.values()), Map.copyOf(visits), Map.copyOf(bestChild),
                totalRollouts);
    }

    public static PuctArchive restore(Snapshot snapshot) {
        PuctArchive archive = new PuctArchive(snapshot.maxSize());
        snapshot.states().forEach(archive::put);
        archive.visits.putAll(snapshot.visits());
        archive.bestChild.putAll(snapshot.bestChild());
        archive.totalRollouts = snapshot.totalRollouts();
        return archive;
    }

    /** A persisted archive (see {@link #snapshot()}). */
    public record Snapshot(int maxSize, List<ArchiveState> states, Map<String, Integer> visits,
                           Map<String, Double> bestChild, long totalRollouts) {
    }

    private void put(ArchiveState state) {
        states.put(state.id(), state);
        if (state.code() != null) {
            idByCode.put(state.code(), state.id());
        }
    }

    private double minMeasuredValue() {
        double min = Double.POSITIVE_INFINITY;
        for (ArchiveState s : states.values()) {
            if (s.value() != null) {
                min = Math.min(min, s.value());
            }
        }
        return min == Double.POSITIVE_INFINITY ? 0.0 : min;
    }

    private List<ArchiveState> byValueDescending() {
        List<ArchiveState> ranked = new ArrayList<>(states.values());
        ranked.sort(Comparator.comparingDouble(this::value).reversed());
        return ranked;
    }
}
