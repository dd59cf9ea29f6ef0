package io.tttdiscover.trainer.algorithm;

import java.util.ArrayList;
import java.util.List;

/** Step 4 of the method: groups whose rewards are all equal carry no signal and are dropped. */
public final class ConstantGroups {

    private ConstantGroups() {
    }

    /**
     * @param kept       indexes of the groups to train on, in order
     * @param noGradient true when every group was constant: one is kept (its advantages are all 0) so the step still
     *                   runs, and the step is logged as having no gradient
     */
    public record Selection(List<Integer> kept, boolean noGradient) {
    }

    public static Selection dropConstant(List<double[]> groupRewards) {
        List<Integer> kept = new ArrayList<>();
        for (int g = 0; g < groupRewards.size(); g++) {
            if (!isConstant(groupRewards.get(g))) {
                kept.add(g);
            }
        }
        if (kept.isEmpty() && !groupRewards.isEmpty()) {
            return new Selection(List.of(0), true);
        }
        return new Selection(List.copyOf(kept), false);
    }

    public static boolean isConstant(double[] rewards) {
        for (double r : rewards) {
            if (r != rewards[0]) {
                return false;
            }
        }
        return true;
    }
}
