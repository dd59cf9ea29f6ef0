package io.tttdiscover.cli.command;

import io.tttdiscover.protocol.api.RunRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code discover run}'s flags as the POST /runs body carries them. */
class RunCommandTest {

    @Test
    void maskSemanticsGoesIntoTheRunRequestByItsWireName() {
        RunRequest body = parse("--mask-semantics", "official-all-ones", "--seed", "3").request("cpu");
        assertEquals("official-all-ones", body.maskSemantics());
        assertEquals(3L, body.seed());
    }

    @Test
    void withoutTheFlagTheTrainerAppliesThePacksDefault() {
        assertNull(parse().request("cpu").maskSemantics());
    }

    @Test
    void anUnknownMaskSemanticsFailsBeforeAnythingStartsAndNamesTheKnownOnes() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--mask-semantics", "all-zeros"));
        assertTrue(e.getMessage().contains("as-specified, official-all-ones"), e.getMessage());
    }

    @Test
    void aParamGoesIntoTheRequestByNameAndAnUnknownOneFailsNamingIt() {
        assertEquals(0.05, parse("--param", "klCoef=0.05").request("cpu").klCoef());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--param", "klCoeff=0.05").request("cpu"));
        assertTrue(e.getMessage().contains("klCoeff"), e.getMessage());
    }

    @Test
    void theHelpListsTheFlag() {
        String help = new CommandLine(new RunCommand()).getUsageMessage();
        assertTrue(help.contains("--mask-semantics"), help);
    }

    @Test
    void theHelpListsTheLaunchersFlags() {
        String help = new CommandLine(new RunCommand()).getUsageMessage();
        for (String flag : new String[] {"--fresh", "--max-restarts", "--retry-seconds"}) {
            assertTrue(help.contains(flag), flag + " in " + help);
        }
    }

    @Test
    void aNegativeRestartBudgetFailsBeforeAnythingStarts() {
        RunCommand command = parse("--max-restarts", "-1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::call);
        assertEquals("--max-restarts must be >= 0, not -1", e.getMessage());
        assertEquals(3, parse().maxRestarts, "three restarts by default");
        assertFalse(parse().fresh, "kept data by default");
    }

    private static RunCommand parse(String... args) {
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
