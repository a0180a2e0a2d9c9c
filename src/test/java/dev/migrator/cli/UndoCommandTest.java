package dev.migrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.migrator.undo.Undo;
import dev.migrator.undo.Undo.Confirmation;
import dev.migrator.undo.Undo.Outcome;
import dev.migrator.undo.UndoPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code undo}'s confirmation on a terminal: only "yes" deletes; anything else deletes nothing;
 * with no terminal only {@code --yes} goes on. {@link Undo} itself is tested end to end in {@code
 * UndoTest}; here it stands in, asking for the confirmation as it does once its plan is known.
 */
class UndoCommandTest {

    private static final UndoPlan PLAN =
            new UndoPlan("abc123", "run 1", List.of(), List.of("contact-1"), List.of(), 0, 0);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<String> prompts = new ArrayList<>();
    private Undo undo;

    @BeforeEach
    void setUp() throws Exception {
        undo = mock(Undo.class);
        when(undo.undo(any(), any()))
                .thenAnswer(
                        call -> {
                            Confirmation confirmation = call.getArgument(1);
                            return confirmation.confirm(PLAN)
                                    ? new Outcome.Undone(PLAN, new Undo.Deleted(0, 0, 1, 0))
                                    : new Outcome.Declined(PLAN);
                        });
    }

    @Test
    void yesTypedOnTheTerminalDeletes() throws Exception {
        ExitCode exit = command(typed(" Yes ")).undo(invocation(false));

        assertThat(exit).isEqualTo(ExitCode.OK);
        assertThat(prompts).containsExactly("Type yes to delete them: ");
        assertThat(output())
                .contains("Undo of run 1 deletes from workspace abc123", "This cannot be reversed.")
                .contains("Deleted from workspace abc123");
    }

    @Test
    void anythingElseTypedDeletesNothing() throws Exception {
        for (String answer : new String[] {"y", "no", ""}) {
            out.reset();

            ExitCode exit = command(typed(answer)).undo(invocation(false));

            assertThat(exit).isEqualTo(ExitCode.OK);
            assertThat(output()).contains("Nothing was deleted.").doesNotContain("Deleted from");
        }
        out.reset();
        assertThat(command(typed(null)).undo(invocation(false))).isEqualTo(ExitCode.OK);
        assertThat(output()).as("the terminal's end").contains("Nothing was deleted.");
    }

    @Test
    void yesOnTheCommandLineAsksNothing() throws Exception {
        ExitCode exit = command(typed("no")).undo(invocation(true));

        assertThat(exit).isEqualTo(ExitCode.OK);
        assertThat(prompts).isEmpty();
        assertThat(output()).contains("Deleted from workspace abc123");
    }

    @Test
    void withoutATerminalOnlyYesGoesOn() {
        assertThatThrownBy(() -> command(null).undo(invocation(false)))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("add --yes");
        verifyNoInteractions(undo);
    }

    private UndoCommand.Terminal typed(String answer) {
        return prompt -> {
            prompts.add(prompt);
            return answer;
        };
    }

    private UndoCommand command(UndoCommand.Terminal terminal) {
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new UndoCommand(new Console(stream, stream), undo, terminal);
    }

    private static Invocation invocation(boolean yes) {
        return new Invocation(
                Invocation.Command.UNDO,
                List.of(),
                null,
                null,
                null,
                null,
                false,
                false,
                null,
                null,
                null,
                new Invocation.UndoOptions(null, false, yes),
                List.of("undo"));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
