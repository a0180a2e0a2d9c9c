package dev.migrator.job;

import dev.migrator.intercom.SendPermit;
import dev.migrator.ledger.Fence;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which process owns a run, kept in the job repository so that it holds across machines sharing one
 * PostgreSQL. The owner refreshes its lease's heartbeat every sixth of the lease's duration; every
 * time is the database's ({@link Fence#DATABASE_NOW_MILLIS}), so that no process's clock matters. A
 * lease is another process's while its heartbeat is fresh, unless that process is provably gone: a
 * process of this machine, boot and PID namespace whose pid no longer runs the process that took
 * the lease. A lease that has gone stale is never refreshed, only taken over; the owner that lost
 * it stops: its ledger view is fenced with the lease ({@link Lease} is the {@link Fence}), and its
 * HTTP calls with it ({@link Lease} is the {@link SendPermit}).
 */
public class RunLeases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLeases.class);

    private final JdbcTemplate jdbc;
    private final Duration duration;
    private final Duration heartbeatEvery;
    private final Clock wallClock;
    private final Identity self;
    private final Map<String, Lease> held = new HashMap<>();
    private final ScheduledExecutorService heartbeat =
            Executors.newSingleThreadScheduledExecutor(
                    task -> {
                        Thread thread = new Thread(task, "migrator-heartbeat");
                        thread.setDaemon(true);
                        return thread;
                    });

    /**
     * @param duration how long a lease lasts after its last heartbeat
     * @param wallClock the local wall clock, for the send permit only (it counts a laptop's sleep)
     */
    public RunLeases(JdbcTemplate jdbc, Duration duration, Clock wallClock) {
        this(jdbc, duration, duration.dividedBy(6), wallClock, Identity.current());
    }

    /** As the process {@code self}: lets a test play several owners. */
    RunLeases(
            JdbcTemplate jdbc,
            Duration duration,
            Duration heartbeatEvery,
            Clock wallClock,
            Identity self) {
        this.jdbc = jdbc;
        this.duration = duration;
        this.heartbeatEvery = heartbeatEvery;
        this.wallClock = wallClock;
        this.self = self;
    }

    /**
     * Who a process is: its host name and pid, and, where the system tells (else null), the boot of
     * the machine, the process's start time (epoch millis) and its PID namespace. Two processes
     * compare pids only when they share host, boot and namespace.
     */
    public record Identity(
            String host, long pid, Long startedAt, String bootId, String pidNamespace) {

        static Identity current() {
            ProcessHandle process = ProcessHandle.current();
            return new Identity(
                    hostName(),
                    process.pid(),
                    startOf(process).orElse(null),
                    read(Path.of("/proc/sys/kernel/random/boot_id")),
                    ownPidNamespace());
        }

        /** This process's pids are that one's: same host, same boot, same PID namespace. */
        boolean seesThePidsOf(Identity other) {
            return host.equals(other.host)
                    && Objects.equals(bootId, other.bootId)
                    && Objects.equals(pidNamespace, other.pidNamespace);
        }

        /**
         * Of a process whose pids this one sees: whether its pid still runs it, not another process
         * that has the pid now (the restarted Docker watcher is pid 1 again).
         */
        boolean stillRuns(Identity other) {
            return ProcessHandle.of(other.pid)
                    .filter(ProcessHandle::isAlive)
                    .map(
                            process ->
                                    other.startedAt == null
                                            || startOf(process)
                                                    .map(other.startedAt::equals)
                                                    .orElse(true))
                    .orElse(false);
        }

        private static Optional<Long> startOf(ProcessHandle process) {
            return process.info().startInstant().map(Instant::toEpochMilli);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file).trim();
            } catch (IOException | RuntimeException e) {
                return null; // not Linux, or not readable here
            }
        }

        private static String ownPidNamespace() {
            try {
                return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return System.getenv().getOrDefault("HOSTNAME", "unknown-host");
            }
        }
    }

    /**
     * The process holding a lease, its heartbeat by the database's clock, and whether it has
     * released it.
     */
    public record Owner(Identity identity, String token, long heartbeatAt, boolean released) {
        public String host() {
            return identity.host();
        }

        public long pid() {
            return identity.pid();
        }
    }

    /**
     * The run's lease is lost: another process took the run over ({@code successor}), or this
     * process could not confirm its lease in time, and the run stops. Nothing is sent after it.
     */
    public static final class LeaseLost extends RuntimeException {
        private final transient Owner successor;
        private final Duration duration;
        private final String why;

        LeaseLost(String runKey, Owner successor, Duration duration, String why) {
            super(
                    "the lease of run key "
                            + runKey
                            + " is lost: "
                            + why
                            + (successor == null
                                    ? ""
                                    : "; process "
                                            + successor.pid()
                                            + " on "
                                            + successor.host()
                                            + " took the run over"),
                    null,
                    false,
                    false);
            this.successor = successor;
            this.duration = duration;
            this.why = why;
        }

        /** How this process found it lost, as "it was not refreshed for longer than 30 s". */
        public String why() {
            return why;
        }

        /** The process that holds the run now (or held it after this one); empty if none yet. */
        public Optional<Owner> successor() {
            return Optional.ofNullable(successor);
        }

        public Duration duration() {
            return duration;
        }
    }

    /** Takes the run's lease; returns the live owner instead when another process holds it. */
    public synchronized Optional<Owner> acquire(String runKey) {
        Lease mine = held.get(runKey);
        if (mine != null && mine.confirm()) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<Sighting> seen = sight(runKey);
            String token = UUID.randomUUID().toString();
            long sentAt = wallClock.millis();
            if (seen.isEmpty()) {
                try {
                    jdbc.update(
                            "INSERT INTO MIGRATOR_LEASE (RUN_KEY, OWNER_HOST, OWNER_PID,"
                                    + " OWNER_STARTED_AT, OWNER_BOOT_ID, OWNER_PID_NAMESPACE,"
                                    + " OWNER_TOKEN, HEARTBEAT_AT) VALUES (?, ?, ?, ?, ?, ?, ?, "
                                    + Fence.DATABASE_NOW_MILLIS
                                    + ")",
                            runKey,
                            self.host(),
                            self.pid(),
                            self.startedAt(),
                            self.bootId(),
                            self.pidNamespace(),
                            token);
                } catch (DuplicateKeyException e) {
                    continue; // another process took it this instant: look again
                }
                hold(runKey, token, sentAt);
                return Optional.empty();
            }
            Owner owner = seen.get().owner();
            if (alive(owner, seen.get().databaseNow())) {
                return Optional.of(owner);
            }
            // Taken only as seen: if the owner beat (or another process took it) since, look again.
            int taken =
                    jdbc.update(
                            "UPDATE MIGRATOR_LEASE SET OWNER_HOST = ?, OWNER_PID = ?,"
                                    + " OWNER_STARTED_AT = ?, OWNER_BOOT_ID = ?,"
                                    + " OWNER_PID_NAMESPACE = ?, OWNER_TOKEN = ?, RELEASED = FALSE,"
                                    + " HEARTBEAT_AT = "
                                    + Fence.DATABASE_NOW_MILLIS
                                    + " WHERE RUN_KEY = ? AND OWNER_TOKEN = ? AND HEARTBEAT_AT = ?"
                                    + " AND RELEASED = ?",
                            self.host(),
                            self.pid(),
                            self.startedAt(),
                            self.bootId(),
                            self.pidNamespace(),
                            token,
                            runKey,
                            owner.token(),
                            owner.heartbeatAt(),
                            owner.released());
            if (taken == 1) {
                hold(runKey, token, sentAt);
                return Optional.empty();
            }
        }
        return sight(runKey).map(Sighting::owner);
    }

    /** The lease this process holds on the run, for the run's writers. */
    public synchronized Lease held(String runKey) {
        Lease lease = held.get(runKey);
        if (lease == null) {
            throw new IllegalStateException(
                    "this process holds no lease on run key "
                            + runKey
                            + ": runs start by acquiring it");
        }
        return lease;
    }

    /** Ends the heartbeat and marks the lease released, if it is still this process's. */
    public synchronized void release(String runKey) {
        Lease lease = held.remove(runKey);
        if (lease == null) {
            return;
        }
        lease.stopBeating();
        jdbc.update(
                "UPDATE MIGRATOR_LEASE SET RELEASED = TRUE WHERE RUN_KEY = ? AND OWNER_TOKEN = ?",
                runKey,
                lease.token);
    }

    /**
     * A process whose pids this one sees is gone once its pid no longer runs it, whatever its
     * heartbeat; any other owner is alive exactly while its heartbeat is fresh by the database's
     * clock. A live process that stopped beating (paused, stuck, cut off) is thus taken over too:
     * its fenced writes and its send permit stop it when it wakes.
     */
    private boolean alive(Owner owner, long databaseNow) {
        if (owner.released()) {
            return false;
        }
        if (self.seesThePidsOf(owner.identity()) && !self.stillRuns(owner.identity())) {
            return false;
        }
        return databaseNow - owner.heartbeatAt() <= duration.toMillis();
    }

    /** The lease's row as the database has it, with the database's clock at the same moment. */
    private record Sighting(Owner owner, long databaseNow) {}

    private Optional<Sighting> sight(String runKey) {
        return jdbc
                .query(
                        "SELECT OWNER_HOST, OWNER_PID, OWNER_STARTED_AT, OWNER_BOOT_ID,"
                                + " OWNER_PID_NAMESPACE, OWNER_TOKEN, HEARTBEAT_AT, RELEASED, "
                                + Fence.DATABASE_NOW_MILLIS
                                + " FROM MIGRATOR_LEASE WHERE RUN_KEY = ?",
                        (rs, i) ->
                                new Sighting(
                                        new Owner(
                                                new Identity(
                                                        rs.getString(1),
                                                        rs.getLong(2),
                                                        rs.getObject(3, Long.class),
                                                        rs.getString(4),
                                                        rs.getString(5)),
                                                rs.getString(6),
                                                rs.getLong(7),
                                                rs.getBoolean(8)),
                                        rs.getLong(9)),
                        runKey)
                .stream()
                .findFirst();
    }

    private void hold(String runKey, String token, long confirmedAt) {
        Lease lease = new Lease(runKey, token, confirmedAt);
        Lease former = held.put(runKey, lease);
        if (former != null) {
            former.stopBeating();
        }
        lease.startBeating();
    }

    /**
     * One run's lease, held by this process: its heartbeat, the fence of the run's ledger view, and
     * the permit of the run's HTTP calls. The permit holds for half the lease's duration after the
     * last heartbeat that kept the lease, on the local wall clock (which, unlike {@link
     * System#nanoTime}, counts a laptop's sleep and a VM's pause): no other process can have taken
     * the run over before the lease's full duration has passed on the database's clock, and the
     * other half absorbs the two clocks' drift and the time a call takes to leave. Past it, a call
     * confirms the lease first. Once lost, a lease stays lost.
     */
    public final class Lease implements Fence, SendPermit {

        private final String runKey;
        private final String token;
        private volatile long confirmedAt;
        private volatile LeaseLost lost;
        private ScheduledFuture<?> beating;

        private Lease(String runKey, String token, long confirmedAt) {
            this.runKey = runKey;
            this.token = token;
            this.confirmedAt = confirmedAt;
        }

        /** Why the lease was lost, once it is. */
        public Optional<LeaseLost> loss() {
            return Optional.ofNullable(lost);
        }

        @Override
        public void check() {
            long sinceConfirmed = wallClock.millis() - confirmedAt;
            // A clock set back makes it negative: confirm rather than trust it.
            if (lost == null && sinceConfirmed >= 0 && sinceConfirmed < duration.toMillis() / 2) {
                return;
            }
            try {
                if (confirm()) {
                    return;
                }
            } catch (RuntimeException e) {
                lose(
                        "it could not be confirmed: the job repository did not answer ("
                                + e.getMessage()
                                + ")");
            }
            throw lost;
        }

        @Override
        public String runKey() {
            return runKey;
        }

        @Override
        public String ownerToken() {
            return token;
        }

        @Override
        public long durationMillis() {
            return duration.toMillis();
        }

        @Override
        public RuntimeException refused() {
            lose("a fenced ledger write found it no longer held");
            return lost;
        }

        /**
         * Refreshes the heartbeat while the lease is this owner's and fresh; false once it is lost.
         */
        synchronized boolean confirm() {
            if (lost != null) {
                return false;
            }
            long sentAt = wallClock.millis();
            int refreshed =
                    jdbc.update(
                            "UPDATE MIGRATOR_LEASE SET HEARTBEAT_AT = "
                                    + Fence.DATABASE_NOW_MILLIS
                                    + " WHERE "
                                    + Fence.HELD,
                            runKey,
                            token,
                            duration.toMillis());
            if (refreshed == 1) {
                confirmedAt = sentAt;
                return true;
            }
            lose("it was not refreshed for longer than " + duration.toSeconds() + " s");
            return false;
        }

        /**
         * One missed beat must not end the heartbeat (an uncaught exception would cancel it for
         * good); the permit stops the calls if the beats keep failing.
         */
        private void beat() {
            try {
                confirm();
            } catch (RuntimeException e) {
                log.warn("Could not refresh the lease of run key {}: {}", runKey, e.getMessage());
            }
        }

        private synchronized void lose(String why) {
            if (lost != null) {
                return;
            }
            Owner successor;
            try {
                successor =
                        sight(runKey)
                                .map(Sighting::owner)
                                .filter(owner -> !owner.token().equals(token))
                                .orElse(null);
            } catch (RuntimeException e) {
                successor = null; // the job repository does not answer: who took over is unknown
            }
            lost = new LeaseLost(runKey, successor, duration, why);
            log.error("Stopping: {}", lost.getMessage());
            stopBeating();
        }

        private synchronized void startBeating() {
            long period = heartbeatEvery.toMillis();
            beating =
                    heartbeat.scheduleAtFixedRate(
                            this::beat, period, period, TimeUnit.MILLISECONDS);
        }

        private synchronized void stopBeating() {
            if (beating != null) {
                beating.cancel(false);
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
    }
}
