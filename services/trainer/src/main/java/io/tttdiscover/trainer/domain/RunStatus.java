package io.tttdiscover.trainer.domain;

public enum RunStatus {
    CREATED, RUNNING, COMPLETED, FAILED, STOPPED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == STOPPED;
    }
}
