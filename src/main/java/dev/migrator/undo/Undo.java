package dev.migrator.undo;

import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.FirstPage;
import dev.migrator.job.MigrationJobFactory;
import dev.migrator.job.MigrationParameters;
import dev.migrator.job.RunLeases;
import dev.migrator.job.RunLeases.LeaseLost;
import dev.migrator.job.RunLeases.Owner;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.ledger.Ledger.CreatedCompany;
import dev.migrator.ledger.Ledger.CreatedConversation;
import dev.migrator.ledger.Ledger.RunScope;
import dev.migrator.support.OwnerOnly;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code undo}: deletes from Intercom what the ledger says the migrator created in a run (or in
 * every run) of the token's workspace, and nothing else: the conversations, then the contacts it
 * created that hold no other conversation (in the ledger or in Intercom), then the companies it
 * created that hold no contact any more. It holds the workspace's lease, as a migration does, so
 * that the two never run side by side. Each item is deleted in Intercom, then forgotten in the
 * ledger (Intercom's 404 says it is gone already), so an undo stopped anywhere finishes when run
 * again, deleting nothing twice. Once finished, the workspace's undo generation goes up: the
 * command of a run it undid migrates again.
 */
public class Undo {

    /** Rows of Spring Batch's job instances looked through for a workspace's runs. */
    private static final int RUNS_LOOKED_AT = 10_000;

    private final IntercomApi liveApi;
    private final HttpTransport httpTransport;
    private final JsonMapper mapper;
    private final Ledger ledger;
    private final RunLeases leases;
    private final JobRepository jobRepository;
    private final UndoProperties properties;
    private final Path planFile;

    public Undo(
            IntercomApi liveApi,
            HttpTransport httpTransport,
            JsonMapper mapper,
            Ledger ledger,
            RunLeases leases,
            JobRepository jobRepository,
            UndoProperties properties,
            Path stateDir) {
        this.liveApi = liveApi;
        this.httpTransport = httpTransport;
        this.mapper = mapper;
        this.ledger = ledger;
        this.leases = leases;
        this.jobRepository = jobRepository;
        this.properties = properties;
        this.planFile = stateDir.resolve("undo-plan.jsonl");
    }

    /**
     * What to undo: {@code run} (a job instance id), or {@code all} the workspace's runs, or (both
     * unset) its latest run; {@code dryRun} lists instead of deleting.
     */
    public record Request(Long run, boolean all, boolean dryRun) {}

    /** Asked once the plan is known, before anything is deleted. */
    @FunctionalInterface
    public interface Confirmation {
        boolean confirm(UndoPlan plan);
    }

    /** What the undo deleted: {@code conversationsGone}, those Intercom no longer had. */
    public record Deleted(
            long conversations, long conversationsGone, long contacts, long companies) {}

    /** How an undo ended, or why it did not start. */
    public sealed interface Outcome {
        /** The ledger holds nothing the migrator created in those runs. */
        record NothingToUndo(String why) implements Outcome {}

        /** {@code --run} names no run of the token's workspace: nothing was deleted. */
        record NotThisWorkspace(String why) implements Outcome {}

        /**
         * Conversations of those runs whose create is still in doubt: only {@code resume} can tell
         * whether they exist. Nothing was deleted.
         */
        record InDoubt(String runs, List<String> sourceIds) implements Outcome {}

        /** Another live process holds the workspace's lease. */
        record Busy(Owner owner) implements Outcome {}

        /** {@code --dry-run}: what would be deleted, listed in {@code file}. */
        record Planned(UndoPlan plan, Path file) implements Outcome {}

        /** The confirmation was refused: nothing was deleted. */
        record Declined(UndoPlan plan) implements Outcome {}

        record Undone(UndoPlan plan, Deleted deleted) implements Outcome {}

        /** The lease was lost part-way: the undo stopped; run it again to finish. */
        record TakenOver(LeaseLost lost) implements Outcome {}
    }

    public Outcome undo(Request request, Confirmation confirmation) throws IOException {
        String workspace = liveApi.me().appId();
        List<JobInstance> runs = runsOf(workspace);
        RunScope scope;
        String named;
        if (request.run() != null) {
            Optional<String> refusal = refusal(request.run(), workspace);
            if (refusal.isPresent()) {
                return new Outcome.NotThisWorkspace(refusal.get());
            }
            scope = RunScope.of(request.run());
            named = "run " + request.run();
        } else if (request.all()) {
            scope = RunScope.all();
            named = "every run";
        } else if (runs.isEmpty()) {
            return new Outcome.NothingToUndo("no run has migrated into workspace " + workspace);
        } else {
            scope = RunScope.of(runs.get(0).getInstanceId());
            named = "run " + runs.get(0).getInstanceId();
        }
        String leaseKey = MigrationParameters.workspaceLeaseKey(workspace);
        Optional<Owner> owner = leases.acquire(leaseKey);
        if (owner.isPresent()) {
            return new Outcome.Busy(owner.get());
        }
        RunLeases.Lease lease = leases.held(leaseKey);
        try {
            IntercomApi api = new IntercomApi(httpTransport.permittedBy(lease), mapper);
            return undo(api, workspace, scope, named, runs, request.dryRun(), confirmation);
        } catch (RuntimeException e) {
            if (lease.loss().isPresent()) {
                return new Outcome.TakenOver(lease.loss().get());
            }
            throw e;
        } finally {
            leases.release(leaseKey);
        }
    }

    private Outcome undo(
            IntercomApi api,
            String workspace,
            RunScope scope,
            String named,
            List<JobInstance> runs,
            boolean dryRun,
            Confirmation confirmation)
            throws IOException {
        List<CreatedConversation> conversations = ledger.createdConversations(workspace, scope);
        List<String> inDoubt =
                conversations.stream()
                        .filter(c -> c.state() == ConversationState.CREATING)
                        .map(CreatedConversation::sourceId)
                        .toList();
        if (!inDoubt.isEmpty()) {
            return new Outcome.InDoubt(named, inDoubt);
        }
        Set<String> undone = ledger.undoneConversations(workspace);
        UndoPlan plan = plan(api, workspace, scope, named, conversations, undone);
        if (dryRun) {
            writePlan(plan);
            return new Outcome.Planned(plan, planFile);
        }
        if (plan.isEmpty() && undone.isEmpty()) {
            return new Outcome.NothingToUndo(
                    "the ledger holds nothing the migrator created in " + named);
        }
        if (!plan.isEmpty() && !confirmation.confirm(plan)) {
            return new Outcome.Declined(plan);
        }
        Deleted deleted = delete(api, workspace, plan);
        abandonUnfinished(runs, scope);
        ledger.undoFinished(workspace);
        return new Outcome.Undone(plan, deleted);
    }

    /**
     * The contacts and companies to delete are those the migrator created that nothing else holds
     * once the conversations are deleted: search lags behind deletes, so what it still shows of the
     * conversations deleted (by this undo, or by an earlier attempt of it) counts as gone.
     */
    private UndoPlan plan(
            IntercomApi api,
            String workspace,
            RunScope scope,
            String named,
            List<CreatedConversation> conversations,
            Set<String> undone) {
        Set<String> conversationsGone = new HashSet<>(undone);
        conversations.forEach(c -> conversationsGone.add(c.intercomId()));
        List<String> contacts = new ArrayList<>();
        int contactsKept = 0;
        for (String contact : ledger.createdContacts(workspace, scope)) {
            if (ledger.contactKeepsConversations(workspace, contact, scope)
                    || holdsOthers(api.conversationsOfContact(contact), conversationsGone)) {
                contactsKept++;
            } else {
                contacts.add(contact);
            }
        }
        Set<String> contactsGone = Set.copyOf(contacts);
        List<CreatedCompany> companies = new ArrayList<>();
        int companiesKept = 0;
        for (CreatedCompany company : ledger.createdCompanies(workspace, scope)) {
            boolean attachedInLedger =
                    ledger.contactsOfCompany(workspace, company.intercomId()).stream()
                            .anyMatch(contact -> !contactsGone.contains(contact));
            if (attachedInLedger
                    || holdsOthers(api.contactsOfCompany(company.intercomId()), contactsGone)) {
                companiesKept++;
            } else {
                companies.add(company);
            }
        }
        return new UndoPlan(
                workspace, named, conversations, contacts, companies, contactsKept, companiesKept);
    }

    private static boolean holdsOthers(FirstPage page, Set<String> gone) {
        return page.more() || page.ids().stream().anyMatch(id -> !gone.contains(id));
    }

    private Deleted delete(IntercomApi api, String workspace, UndoPlan plan) {
        long conversations = 0;
        long gone = 0;
        for (CreatedConversation conversation : plan.conversations()) {
            if (api.deleteConversation(conversation.intercomId(), properties.undoRetainMetrics())) {
                conversations++;
            } else {
                gone++;
            }
            ledger.conversationUndone(
                    workspace, conversation.sourceId(), conversation.intercomId());
        }
        long contacts = 0;
        for (String contact : plan.contacts()) {
            if (api.deleteContact(contact)) {
                contacts++;
            }
            ledger.contactUndone(workspace, contact);
        }
        long companies = 0;
        for (CreatedCompany company : plan.companies()) {
            if (api.deleteCompany(company.intercomId())) {
                companies++;
            }
            ledger.companyUndone(workspace, company.intercomId());
        }
        return new Deleted(conversations, gone, contacts, companies);
    }

    /**
     * A run undone before it finished is abandoned: {@code resume} would go on from where it
     * stopped, past records whose conversations are now deleted. Its command starts a new run.
     */
    private void abandonUnfinished(List<JobInstance> runs, RunScope scope) {
        for (JobInstance run : runs) {
            if (scope.run() != null && scope.run() != run.getInstanceId()) {
                continue;
            }
            JobExecution last = jobRepository.getLastJobExecution(run);
            if (last != null
                    && last.getStatus() != BatchStatus.COMPLETED
                    && last.getStatus() != BatchStatus.ABANDONED) {
                last.setStatus(BatchStatus.ABANDONED);
                jobRepository.update(last);
            }
        }
    }

    /** The runs into the workspace, latest first. */
    private List<JobInstance> runsOf(String workspace) {
        return jobRepository
                .getJobInstances(MigrationJobFactory.JOB_NAME, 0, RUNS_LOOKED_AT)
                .stream()
                .filter(run -> workspace.equals(targetOf(run)))
                .toList();
    }

    private Optional<String> refusal(long run, String workspace) {
        JobInstance instance = jobRepository.getJobInstance(run);
        if (instance == null || !MigrationJobFactory.JOB_NAME.equals(instance.getJobName())) {
            return Optional.of("--run " + run + ": there is no run " + run + " (see status)");
        }
        String target = targetOf(instance);
        if (MigrationParameters.isDryRun(target)) {
            return Optional.of("--run " + run + ": run " + run + " is a dry run; it sent nothing");
        }
        if (!workspace.equals(target)) {
            return Optional.of(
                    "--run "
                            + run
                            + ": run "
                            + run
                            + " migrated into workspace "
                            + target
                            + ", not into the token's workspace "
                            + workspace);
        }
        return Optional.empty();
    }

    private String targetOf(JobInstance run) {
        JobExecution last = jobRepository.getLastJobExecution(run);
        return last == null ? null : last.getJobParameters().getString(MigrationParameters.TARGET);
    }

    /** One line per item the undo would delete, in the order it would delete them. */
    private void writePlan(UndoPlan plan) throws IOException {
        try (BufferedWriter out =
                Files.newBufferedWriter(OwnerOnly.file(planFile), StandardCharsets.UTF_8)) {
            for (CreatedConversation conversation : plan.conversations()) {
                line(
                        out,
                        item("conversation", conversation.intercomId())
                                .put("source_id", conversation.sourceId())
                                .put("run", conversation.createdInRun()));
            }
            for (String contact : plan.contacts()) {
                line(out, item("contact", contact));
            }
            for (CreatedCompany company : plan.companies()) {
                line(
                        out,
                        item("company", company.intercomId())
                                .put("company_id", company.companyId()));
            }
        }
    }

    private ObjectNode item(String kind, String intercomId) {
        return mapper.createObjectNode().put("kind", kind).put("intercom_id", intercomId);
    }

    private void line(BufferedWriter out, ObjectNode item) throws IOException {
        out.write(mapper.writeValueAsString(item));
        out.newLine();
    }
}
