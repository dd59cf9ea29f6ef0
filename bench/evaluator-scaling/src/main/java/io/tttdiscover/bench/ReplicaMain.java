package io.tttdiscover.bench;

import java.util.concurrent.atomic.AtomicLong;

/** A replica in its own JVM, so that it can be killed (SIGKILL) mid-evaluation: args mode bootstrap topic group name readAhead. */
public final class ReplicaMain {
    private ReplicaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String mode = args[0];
        Replica replica = mode.equals("share")
                ? new ShareReplica(args[4], args[1], args[2], args[3], Events.STDOUT, new AtomicLong())
                : new GroupReplica(args[4], args[1], args[2], args[3], Integer.parseInt(args[5]), Events.STDOUT);
        while (!replica.ready()) {
            Thread.sleep(20);
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
