package dev.migrator.cli;

import dev.migrator.undo.Undo;
import dev.migrator.undo.Undo.Outcome;
import dev.migrator.undo.UndoPlan;
import java.io.IOException;
import java.util.Locale;

/**
 * {@code undo}: prints what {@link Undo} plans and did, asks before it deletes (on a terminal; with
 * none, only {@code --yes} lets it go on), and maps its outcome to an exit code.
 */
public class UndoCommand {

    /** Where the confirmation is asked: the process's terminal. */
    @FunctionalInterface
    public interface Terminal {
        /** The line typed after {@code prompt}, or null at its end. */
        String readLine(String prompt);

        /** The process's terminal ({@link System#console()}), or null when it has none. */
        static Terminal ofProcess() {
            java.io.Console console = System.console();
            return console == null ? null : prompt -> console.readLine("%s", prompt);
        }
    }

    /** Null when the process has no terminal. */
    private final Terminal terminal;

    private final Console console;
    private final Undo undo;

    public UndoCommand(Console console, Undo undo, Terminal terminal) {
        this.console = console;
        this.undo = undo;
        this.terminal = terminal;
    }

    public ExitCode undo(Invocation invocation) throws IOException {
        Invocation.UndoOptions options = invocation.undo();
        boolean dryRun = invocation.dryRun();
        if (!dryRun && !options.yes() && terminal == null) {
            throw new UsageException(
                    "undo deletes from Intercom and asks first, but there is no terminal to ask"
                            + " on: add --yes to confirm (or --dry-run to list what it would"
                            + " delete)");
        }
        Outcome outcome =
                undo.undo(
                        new Undo.Request(options.run(), options.all(), dryRun),
                        plan -> options.yes() || confirmed(plan));
        if (outcome instanceof Outcome.NothingToUndo nothing) {
            console.say("Nothing to undo: " + nothing.why() + ".");
            return ExitCode.OK;
        }
        if (outcome instanceof Outcome.NotThisWorkspace refused) {
            throw new UsageException(refused.why());
        }
        if (outcome instanceof Outcome.InDoubt inDoubt) {
            console.problem(
                    "error: "
                            + inDoubt.sourceIds().size()
                            + " conversation(s) of "
                            + inDoubt.runs()
                            + " are still in doubt (the answer to their create was lost), such"
                            + " as "
                            + inDoubt.sourceIds().get(0)
                            + ": undo cannot tell whether they exist. Run resume first, then"
                            + " undo again. Nothing was deleted.");
            return ExitCode.FAILED;
        }
        if (outcome instanceof Outcome.Busy busy) {
            console.problem(
                    "error: process "
                            + busy.owner().pid()
                            + " on "
                            + busy.owner().host()
                            + " is migrating into this workspace; undo once it has"
                            + " finished. Nothing was deleted.");
            return ExitCode.FAILED;
        }
        if (outcome instanceof Outcome.Planned planned) {
            console.say(
                    "Undo of "
                            + planned.plan().runs()
                            + " in workspace "
                            + planned.plan().workspace()
                            + " would delete "
                            + counts(planned.plan())
                            + "."
                            + kept(planned.plan()));
            console.say("  listed in " + planned.file() + " (dry run: nothing was deleted)");
            return ExitCode.OK;
        }
        if (outcome instanceof Outcome.Declined declined) {
            console.say("Nothing was deleted.");
            return ExitCode.OK;
        }
        if (outcome instanceof Outcome.Undone undone) {
            Undo.Deleted deleted = undone.deleted();
            console.say(
                    "Deleted from workspace "
                            + undone.plan().workspace()
                            + " what "
                            + undone.plan().runs()
                            + " created: "
                            + plural(deleted.conversations(), "conversation")
                            + (deleted.conversationsGone() > 0
                                    ? " (" + deleted.conversationsGone() + " were gone already)"
                                    : "")
                            + ", "
                            + plural(deleted.contacts(), "contact")
                            + " and "
                            + plural(deleted.companies(), "company")
                            + "."
                            + kept(undone.plan()));
            console.say(
                    "The ledger has forgotten them: the same migrate command migrates them"
                            + " again.");
            return ExitCode.OK;
        }
        if (outcome instanceof Outcome.TakenOver takenOver) {
            console.problem("error: " + takenOver.lost().getMessage());
            console.problem("To finish the undo, run the same command again.");
            return ExitCode.FAILED;
        }
        throw new IllegalStateException("an undo outcome not handled: " + outcome);
    }

    private boolean confirmed(UndoPlan plan) {
        console.say(
                "Undo of "
                        + plan.runs()
                        + " deletes from workspace "
                        + plan.workspace()
                        + " "
                        + counts(plan)
                        + "."
                        + kept(plan)
                        + " This cannot be reversed.");
        String answer = terminal.readLine("Type yes to delete them: ");
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).equals("yes");
    }

    private static String counts(UndoPlan plan) {
        return plural(plan.conversations().size(), "conversation")
                + ", "
                + plural(plan.contacts().size(), "contact")
                + " and "
                + plural(plan.companies().size(), "company");
    }

    private static String kept(UndoPlan plan) {
        if (plan.contactsKept() == 0 && plan.companiesKept() == 0) {
            return "";
        }
        return " It keeps "
                + plural(plan.contactsKept(), "contact")
                + " and "
                + plural(plan.companiesKept(), "company")
                + " it created that still hold others.";
    }

    private static String plural(long count, String noun) {
        String many =
                noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
        return count + " " + (count == 1 ? noun : many);
    }
}
