package dev.migrator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.job.RunLeases.Identity;
import dev.migrator.job.RunLeases.LeaseLost;
import dev.migrator.job.RunLeases.Owner;
import dev.migrator.ledger.Fence;
import dev.migrator.ledger.Ledger;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Run leases in an in-memory H2 made by the project's own migrations, with owners played by several
 * {@link RunLeases} of made-up machines and processes. Heartbeats are the database's: a lease goes
 * stale here because the test moves its heartbeat back, as if its owner had not beaten for that
 * long by the database's clock; each owner's wall clock, which only its send permit reads, is one
 * the test moves.
 */
class RunLeasesTest {

    private static final String RUN = "workspace-abc";
    private static final Duration LEASE = Duration.ofSeconds(30);

    /**
     * Never comes round during a test: heartbeats here are the test's doing, not the background
     * thread's.
     */
    private static final Duration HEARTBEAT_EVERY = Duration.ofDays(1);

    /** Above any Linux pid_max, so no process of this machine has it. */
    private static final long GONE_PID = Integer.MAX_VALUE;

    private static final Identity THIS_PROCESS = Identity.current();

    private final ManualClock wallClock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final JdbcTemplate jdbc = migratedDatabase();
    private final List<RunLeases> owners = new ArrayList<>();

    @AfterEach
    void closeOwnersAndDropDatabase() {
        owners.forEach(RunLeases::close);
        jdbc.execute("SHUTDOWN");
    }

    @Test
    void aFreeRunIsAcquired() {
        RunLeases a = owner(machine("host-a", 101));

        assertThat(a.acquire(RUN)).isEmpty();

        Owner owner = ownerSeenBy(owner(machine("host-b", 202)));
        assertThat(owner.host()).isEqualTo("host-a");
        assertThat(owner.pid()).isEqualTo(101);
    }

    @Test
    void theHeartbeatIsTheDatabasesTimeNotTheOwnersClock() {
        RunLeases a = owner(machine("host-a", 101)); // its clock says 2024-05-01

        a.acquire(RUN);

        assertThat(heartbeatAt()).isGreaterThan(wallClock.millis() + Duration.ofDays(1).toMillis());
    }

    @Test
    void aFreshHeartbeatKeepsTheRunWhateverTheNewcomersClockSays() {
        RunLeases a = owner(machine("host-a", 101));
        a.acquire(RUN);
        wallClock.advance(Duration.ofHours(1)); // the newcomer's clock is an hour ahead

        Optional<Owner> refused = owner(machine("host-b", 202)).acquire(RUN);

        assertThat(refused).map(Owner::host).contains("host-a");
    }

    @Test
    void aHeartbeatAsOldAsTheLeaseStillKeepsTheRun() {
        owner(machine("host-a", 101)).acquire(RUN);
        ageHeartbeat(LEASE.minusSeconds(1));

        assertThat(owner(machine("host-b", 202)).acquire(RUN)).map(Owner::host).contains("host-a");
    }

    @Test
    void aHeartbeatStaleByTheDatabasesClockIsTakenOver() {
        RunLeases a = owner(machine("host-a", 101));
        RunLeases b = owner(machine("host-b", 202));
        a.acquire(RUN);
        ageHeartbeat(LEASE.plusSeconds(1));

        assertThat(b.acquire(RUN)).isEmpty();

        Optional<Owner> formerOwnerRefused = a.acquire(RUN);
        assertThat(formerOwnerRefused).map(Owner::host).contains("host-b");
    }

    @Test
    void releaseFreesTheRunAtOnce() {
        RunLeases a = owner(machine("host-a", 101));
        RunLeases b = owner(machine("host-b", 202));
        a.acquire(RUN);

        a.release(RUN);

        assertThat(b.acquire(RUN)).isEmpty();
    }

    @Test
    void aFormerOwnersReleaseLeavesTheNewOwnersLease() {
        RunLeases a = owner(machine("host-a", 101));
        RunLeases b = owner(machine("host-b", 202));
        a.acquire(RUN);
        ageHeartbeat(LEASE.plusSeconds(1));
        b.acquire(RUN);

        a.release(RUN);

        assertThat(ownerSeenBy(owner(machine("host-c", 303))).host()).isEqualTo("host-b");
    }

    @Test
    void theOwnerAcquiresAgainAndRefreshesItsHeartbeat() {
        RunLeases a = owner(machine("host-a", 101));
        a.acquire(RUN);
        ageHeartbeat(LEASE.minusSeconds(1));
        long aged = heartbeatAt();

        assertThat(a.acquire(RUN)).isEmpty();

        assertThat(heartbeatAt()).isGreaterThan(aged);
        assertThat(owner(machine("host-b", 202)).acquire(RUN)).map(Owner::host).contains("host-a");
    }

    @Test
    void aProcessOfThisMachineThatNoLongerExistsIsTakenOverAtOnce() {
        owner(thisMachine(GONE_PID, null)).acquire(RUN);

        assertThat(owner(THIS_PROCESS).acquire(RUN))
                .as("its heartbeat is fresh, but its process is gone")
                .isEmpty();
    }

    @Test
    void thePidOfThisMachineRunningAnotherProcessIsTakenOverAtOnce() {
        // The Docker watcher restarted after an OOM kill: pid 1 again, another start time.
        long startedBefore = THIS_PROCESS.startedAt() - 60_000;
        owner(thisMachine(THIS_PROCESS.pid(), startedBefore)).acquire(RUN);

        assertThat(owner(THIS_PROCESS).acquire(RUN))
                .as("its heartbeat is fresh, but its pid runs another process now")
                .isEmpty();
    }

    @Test
    void theSameHostNameInAnotherPidNamespaceIsNotTakenOverWhileItsHeartbeatIsFresh() {
        // Host-network containers share the host name and the kernel's boot, not their pids.
        Identity otherContainer =
                new Identity(
                        THIS_PROCESS.host(),
                        GONE_PID,
                        null,
                        THIS_PROCESS.bootId(),
                        "pid:[another-namespace]");
        owner(otherContainer).acquire(RUN);

        assertThat(owner(THIS_PROCESS).acquire(RUN))
                .as("its pid means nothing here; its heartbeat is fresh")
                .map(Owner::pid)
                .contains(GONE_PID);

        ageHeartbeat(LEASE.plusSeconds(1));
        assertThat(owner(THIS_PROCESS).acquire(RUN)).as("once its heartbeat is stale").isEmpty();
    }

    @Test
    void theSameHostAndPidOfAnotherBootAreJudgedByTheirHeartbeat() {
        // Another boot may be another machine of the same name (a cloned VM): its pid is not ours.
        Identity anotherBoot =
                new Identity(
                        THIS_PROCESS.host(),
                        GONE_PID,
                        null,
                        "another-boot",
                        THIS_PROCESS.pidNamespace());
        owner(anotherBoot).acquire(RUN);

        assertThat(owner(THIS_PROCESS).acquire(RUN)).map(Owner::pid).contains(GONE_PID);

        ageHeartbeat(LEASE.plusSeconds(1));
        assertThat(owner(THIS_PROCESS).acquire(RUN)).isEmpty();
    }

    @Test
    void aLiveProcessOfThisMachineThatStoppedBeatingIsTakenOver() {
        RunLeases paused = owner(THIS_PROCESS);
        paused.acquire(RUN);
        ageHeartbeat(LEASE.plusSeconds(1));

        assertThat(owner(THIS_PROCESS).acquire(RUN))
                .as("paused past its lease: its fence and its permit stop it when it wakes")
                .isEmpty();
    }

    @Test
    void leasesOfOtherRunsDoNotInterfere() {
        RunLeases a = owner(machine("host-a", 101));
        RunLeases b = owner(machine("host-b", 202));
        a.acquire(RUN);

        assertThat(b.acquire("workspace-other")).isEmpty();
    }

    @Test
    void eachLeaseOfAProcessBeatsUntilItIsReleased() throws Exception {
        RunLeases leases =
                new RunLeases(jdbc, LEASE, Duration.ofMillis(10), wallClock, THIS_PROCESS);
        owners.add(leases);
        leases.acquire(RUN);
        leases.acquire("workspace-other");

        leases.release(RUN);

        long before = heartbeatAt("workspace-other");
        for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                heartbeatAt("workspace-other") == before; ) {
            assertThat(System.nanoTime())
                    .as("the other lease's heartbeat goes on after this one's release")
                    .isLessThan(deadline);
            Thread.sleep(10); // a look at the database every 10 ms
        }
    }

    @Test
    void aFencedIntentWriteFailsOnceTheRunIsTakenOver() {
        RunLeases a = owner(machine("host-a", 101));
        a.acquire(RUN);
        Ledger fenced = new Ledger(jdbc, JsonMapper.builder().build()).fencedBy(a.held(RUN));
        fenced.partSending("ws", "c1", "p1", 1, 1);
        ageHeartbeat(LEASE.plusSeconds(1));
        owner(machine("host-b", 202)).acquire(RUN);

        assertThatThrownBy(() -> fenced.partSending("ws", "c1", "p2", 2, 2))
                .isInstanceOf(LeaseLost.class)
                .hasMessageContaining("process 202 on host-b took the run over");
        assertThatThrownBy(() -> fenced.partSending("ws", "c1", "p1", 1, 3))
                .as("an intent already in the ledger is not touched either")
                .isInstanceOf(LeaseLost.class);
        assertThatThrownBy(() -> fenced.conversationCreating("ws", "c2", "contact", "o", 1, 1, 7))
                .isInstanceOf(LeaseLost.class);
        assertThat(jdbc.queryForList("SELECT PART_KEY FROM MIGRATOR_PART", String.class))
                .containsExactly("p1");
        assertThat(jdbc.queryForObject("SELECT ATTEMPTED_AT FROM MIGRATOR_PART", Long.class))
                .isEqualTo(1);
        assertThat(a.held(RUN).loss().flatMap(LeaseLost::successor))
                .map(Owner::host)
                .contains("host-b");
    }

    @Test
    void aFencedWriteFailsOnceTheOwnersOwnLeaseHasLapsedThoughNobodyTookItOver() {
        RunLeases a = owner(machine("host-a", 101));
        a.acquire(RUN);
        Fence lease = a.held(RUN);
        ageHeartbeat(LEASE.plusSeconds(1));

        assertThatThrownBy(
                        () ->
                                new Ledger(jdbc, JsonMapper.builder().build())
                                        .fencedBy(lease)
                                        .partSending("ws", "c1", "p1", 1, 1))
                .isInstanceOf(LeaseLost.class);
        assertThat(a.held(RUN).loss().flatMap(LeaseLost::successor)).isEmpty();
    }

    @Test
    void thePermitNeedsNoDatabaseWhileFreshAndStopsTheCallsOnceTheRunIsTakenOver() {
        RunLeases a = owner(machine("host-a", 101));
        a.acquire(RUN);
        ageHeartbeat(LEASE.plusSeconds(1));
        owner(machine("host-b", 202)).acquire(RUN);

        a.held(RUN).check(); // confirmed a moment ago by its wall clock: no look at the lease

        wallClock.advance(LEASE.dividedBy(2)); // the process slept
        assertThatThrownBy(() -> a.held(RUN).check())
                .isInstanceOf(LeaseLost.class)
                .hasMessageContaining("process 202 on host-b took the run over");
    }

    @Test
    void aPermitPastItsTimeGoesOnWhenTheLeaseIsStillHeld() {
        RunLeases a = owner(machine("host-a", 101));
        a.acquire(RUN);
        wallClock.advance(LEASE.dividedBy(2));

        a.held(RUN).check();

        assertThat(a.held(RUN).loss()).isEmpty();
    }

    private RunLeases owner(Identity identity) {
        RunLeases leases = new RunLeases(jdbc, LEASE, HEARTBEAT_EVERY, wallClock, identity);
        owners.add(leases);
        return leases;
    }

    /** A process of a machine of its own. */
    private static Identity machine(String host, long pid) {
        return new Identity(host, pid, null, "boot-of-" + host, "pid:[1]");
    }

    /** A process whose pids this one sees. */
    private static Identity thisMachine(long pid, Long startedAt) {
        return new Identity(
                THIS_PROCESS.host(),
                pid,
                startedAt,
                THIS_PROCESS.bootId(),
                THIS_PROCESS.pidNamespace());
    }

    /** As if the owner's last beat were {@code age} ago by the database's clock. */
    private void ageHeartbeat(Duration age) {
        jdbc.update(
                "UPDATE MIGRATOR_LEASE SET HEARTBEAT_AT = "
                        + Fence.DATABASE_NOW_MILLIS
                        + " - ? WHERE RUN_KEY = ?",
                age.toMillis(),
                RUN);
    }

    private long heartbeatAt() {
        return heartbeatAt(RUN);
    }

    private long heartbeatAt(String runKey) {
        return jdbc.queryForObject(
                "SELECT HEARTBEAT_AT FROM MIGRATOR_LEASE WHERE RUN_KEY = ?", Long.class, runKey);
    }

    /** Who holds the run, as a newcomer finds it: acquire must refuse while the owner is alive. */
    private Owner ownerSeenBy(RunLeases newcomer) {
        Optional<Owner> owner = newcomer.acquire(RUN);
        assertThat(owner).as("the run is held").isPresent();
        return owner.get();
    }

    private static JdbcTemplate migratedDatabase() {
        // Kept open between connections until SHUTDOWN; a name of its own per test.
        DriverManagerDataSource dataSource =
                new DriverManagerDataSource(
                        "jdbc:h2:mem:leases-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("MIGRATOR_SCHEMA_HISTORY")
                .load()
                .migrate();
        return new JdbcTemplate(dataSource);
    }
}
