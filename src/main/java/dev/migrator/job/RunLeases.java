package dev.migrator.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
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
 * PostgreSQL. The owner refreshes its heartbeat while it runs; a run that a dead process left
 * STARTED is taken over (and recovered) only once its owner is provably gone: a process of this
 * machine that no longer exists, or a heartbeat older than {@code staleAfter}.
 */
public class RunLeases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLeases.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration heartbeatEvery;
    private final Duration staleAfter;
    private final String host;
    private final long pid;
    private final String token = UUID.randomUUID().toString();
    private final ScheduledExecutorService heartbeat =
            Executors.newSingleThreadScheduledExecutor(
                    task -> {
                        Thread thread = new Thread(task, "migrator-heartbeat");
                        thread.setDaemon(true);
                        return thread;
                    });
    private ScheduledFuture<?> beating;

    public RunLeases(JdbcTemplate jdbc, Clock clock, Duration heartbeatEvery, Duration staleAfter) {
        this(jdbc, clock, heartbeatEvery, staleAfter, hostName(), ProcessHandle.current().pid());
    }

    /** As the process {@code pid} of machine {@code host}: lets a test play several owners. */
    RunLeases(
            JdbcTemplate jdbc,
            Clock clock,
            Duration heartbeatEvery,
            Duration staleAfter,
            String host,
            long pid) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.heartbeatEvery = heartbeatEvery;
        this.staleAfter = staleAfter;
        this.host = host;
        this.pid = pid;
    }

    /** The process holding a lease. */
    public record Owner(String host, long pid, String token, long heartbeatAt) {}

    /** Takes the run's lease; returns the live owner instead when another process holds it. */
    public synchronized Optional<Owner> acquire(String runKey) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<Owner> current = owner(runKey);
            long now = clock.millis();
            if (current.isEmpty()) {
                try {
                    jdbc.update(
                            """
                            INSERT INTO MIGRATOR_LEASE (RUN_KEY, OWNER_HOST, OWNER_PID, OWNER_TOKEN, HEARTBEAT_AT)
                            VALUES (?, ?, ?, ?, ?)\
                            """,
                            runKey,
                            host,
                            pid,
                            token,
                            now);
                    startHeartbeat(runKey);
                    return Optional.empty();
                } catch (DuplicateKeyException e) {
                    continue; // another process took it this instant: look again
                }
            }
            Owner owner = current.get();
            if (!owner.token().equals(token) && alive(owner, now)) {
                return current;
            }
            int taken =
                    jdbc.update(
                            """
                            UPDATE MIGRATOR_LEASE SET OWNER_HOST = ?, OWNER_PID = ?, OWNER_TOKEN = ?, HEARTBEAT_AT = ?
                            WHERE RUN_KEY = ? AND OWNER_TOKEN = ?\
                            """,
                            host,
                            pid,
                            token,
                            now,
                            runKey,
                            owner.token());
            if (taken == 1) {
                startHeartbeat(runKey);
                return Optional.empty();
            }
        }
        return owner(runKey);
    }

    public synchronized void release(String runKey) {
        if (beating != null) {
            beating.cancel(false);
            beating = null;
        }
        jdbc.update(
                "DELETE FROM MIGRATOR_LEASE WHERE RUN_KEY = ? AND OWNER_TOKEN = ?", runKey, token);
    }

    private Optional<Owner> owner(String runKey) {
        return jdbc
                .query(
                        "SELECT OWNER_HOST, OWNER_PID, OWNER_TOKEN, HEARTBEAT_AT FROM"
                                + " MIGRATOR_LEASE WHERE RUN_KEY = ?",
                        (rs, i) ->
                                new Owner(
                                        rs.getString(1),
                                        rs.getLong(2),
                                        rs.getString(3),
                                        rs.getLong(4)),
                        runKey)
                .stream()
                .findFirst();
    }

    /**
     * A process of this machine is alive exactly when its pid is; another machine's, while it keeps
     * beating.
     */
    private boolean alive(Owner owner, long now) {
        if (owner.host().equals(host)) {
            return ProcessHandle.of(owner.pid()).map(ProcessHandle::isAlive).orElse(false);
        }
        return now - owner.heartbeatAt() <= staleAfter.toMillis();
    }

    private void startHeartbeat(String runKey) {
        long period = heartbeatEvery.toMillis();
        beating =
                heartbeat.scheduleAtFixedRate(
                        () -> beat(runKey), period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * One missed beat must not end the heartbeat (an uncaught exception would cancel it for good).
     */
    private void beat(String runKey) {
        try {
            int held =
                    jdbc.update(
                            "UPDATE MIGRATOR_LEASE SET HEARTBEAT_AT = ? WHERE RUN_KEY = ? AND"
                                    + " OWNER_TOKEN = ?",
                            clock.millis(),
                            runKey,
                            token);
            if (held == 0) {
                log.error("The lease of run key {} was taken over by another process", runKey);
            }
        } catch (RuntimeException e) {
            log.warn("Could not refresh the lease of run key {}: {}", runKey, e.getMessage());
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown-host");
        }
    }
}
