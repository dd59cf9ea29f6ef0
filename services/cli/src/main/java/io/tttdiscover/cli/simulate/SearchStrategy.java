package io.tttdiscover.cli.simulate;

/** A way to search a program space with a budget of evaluations; runs with the same seed are the same. */
public interface SearchStrategy {

    /** The name the command line and the report use: rl, random, greedy. */
    String name();

    /** Searches until the budget is spent. */
    Evaluations run(long seed, int budget);
}
