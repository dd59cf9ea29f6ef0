package io.tttdiscover.protocol.pack;

import java.util.List;

/** One way to fill a decision point: a code fragment and the devices it runs on. */
public record Alternative(String name, List<String> devices, String code) {

    public boolean runsOn(String target) {
        return devices == null || devices.isEmpty() || devices.contains(target);
    }
}
