package io.tttdiscover.bench;

/** What a simulated evaluator reports: an evaluation started or finished (wall-clock ms, one host). */
public interface Events {
    void started(String replica, String candidate, long atMs);

    void finished(String replica, String candidate, long atMs);

    /** For a replica in a child process: one line per event on stdout, read back by {@link ChildReplica}. */
    Events STDOUT = new Events() {
        @Override
        public synchronized void started(String replica, String candidate, long atMs) {
            System.out.println("EV started " + replica + " " + candidate + " " + atMs);
            System.out.flush();
        }

        @Override
        public synchronized void finished(String replica, String candidate, long atMs) {
            System.out.println("EV finished " + replica + " " + candidate + " " + atMs);
            System.out.flush();
        }
    };
}
