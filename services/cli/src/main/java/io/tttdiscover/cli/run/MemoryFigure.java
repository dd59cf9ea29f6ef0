package io.tttdiscover.cli.run;

/**
 * Resident memory of one process of the local stack, in kB.
 *
 * @param rssKb             VmRSS at the end of the run
 * @param peakKb            VmHWM: the kernel's high-water mark of the process
 * @param childrenRssKb     VmRSS of its descendants at the end (the evaluator's Python workers)
 * @param peakWithChildrenKb highest process + descendants total seen while sampling once a second
 */
public record MemoryFigure(String name, long pid, long rssKb, long peakKb, long childrenRssKb,
                           long peakWithChildrenKb) {
}
