package dev.migrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.job.RunLeases.Owner;
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

/**
 * Run leases in an in-memory H2 made by the project's own migrations, with owners played by several
 * {@link RunLeases} of made-up machines and processes, and a clock the test moves.
 */
class RunLeasesTest {

    private static final String RUN = "workspace-abc";
    private static final Duration STALE_AFTER = Duration.ofSeconds(30);

    /**
     * Never comes round during a test: heartbeats here are the clock's doing, not the background
     * thread's.
     */
    private static final Duration HEARTBEAT_EVERY = Duration.ofDays(1);

    /** Above any Linux pid_max, so no process of this machine has it. */
    private static final long GONE_PID = Integer.MAX_VALUE;

    private static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private final JdbcTemplate jdbc = migratedDatabase();
    private final List<RunLeases> owners = new ArrayList<>();

    @AfterEach
    void closeOwnersAndDropDatabase() {
        owners.forEach(RunLeases::close);
        jdbc.execute("SHUTDOWN");
    }

    @Test
    void aFreeRunIsAcquired() {
        RunLeases a = owner("host-a", 101);

        assertThat(a.acquire(RUN)).isEmpty();

        assertThat(ownerSeenBy(owner("host-b", 202)))
                .satisfies(
                        owner -> {
                            assertThat(owner.host()).isEqualTo("host-a");
                            assertThat(owner.pid()).isEqualTo(101);
                            assertThat(owner.heartbeatAt()).isEqualTo(START.toEpochMilli());
                        });
    }

    @Test
    void anotherMachinesOwnerWithAFreshHeartbeatKeepsTheRun() {
        RunLeases a = owner("host-a", 101);
        RunLeases b = owner("host-b", 202);
        a.acquire(RUN);
        clock.advance(STALE_AFTER); // as old as it may be and still count as fresh

        Optional<Owner> refused = b.acquire(RUN);

        assertThat(refused).map(Owner::host).contains("host-a");
        assertThat(refused).map(Owner::heartbeatAt).contains(START.toEpochMilli());
    }

    @Test
    void anotherMachinesOwnerWithAStaleHeartbeatIsTakenOver() {
        RunLeases a = owner("host-a", 101);
        RunLeases b = owner("host-b", 202);
        a.acquire(RUN);
        clock.advance(STALE_AFTER.plusMillis(1));

        assertThat(b.acquire(RUN)).isEmpty();

        Optional<Owner> formerOwnerRefused = a.acquire(RUN);
        assertThat(formerOwnerRefused).map(Owner::host).contains("host-b");
        assertThat(formerOwnerRefused).map(Owner::heartbeatAt).contains(clock.millis());
    }

    @Test
    void releaseFreesTheRunAtOnce() {
        RunLeases a = owner("host-a", 101);
        RunLeases b = owner("host-b", 202);
        a.acquire(RUN);

        a.release(RUN);

        assertThat(b.acquire(RUN)).isEmpty();
    }

    @Test
    void aFormerOwnersReleaseLeavesTheNewOwnersLease() {
        RunLeases a = owner("host-a", 101);
        RunLeases b = owner("host-b", 202);
        a.acquire(RUN);
        clock.advance(STALE_AFTER.plusMillis(1));
        b.acquire(RUN);

        a.release(RUN);

        assertThat(ownerSeenBy(owner("host-c", 303)).host()).isEqualTo("host-b");
    }

    @Test
    void theOwnerAcquiresAgainAndRefreshesItsHeartbeat() {
        RunLeases a = owner("host-a", 101);
        RunLeases b = owner("host-b", 202);
        a.acquire(RUN);
        clock.advance(Duration.ofSeconds(20));

        assertThat(a.acquire(RUN)).isEmpty();

        clock.advance(
                Duration.ofSeconds(
                        20)); // stale counted from the first acquire, fresh from the second
        Optional<Owner> refused = b.acquire(RUN);
        assertThat(refused).map(Owner::host).contains("host-a");
        assertThat(refused).map(Owner::heartbeatAt).contains(START.plusSeconds(20).toEpochMilli());
    }

    @Test
    void aProcessOfThisMachineThatNoLongerExistsIsTakenOverAtOnce() {
        RunLeases dead = owner("this-host", GONE_PID);
        RunLeases successor = owner("this-host", ProcessHandle.current().pid());
        dead.acquire(RUN);

        assertThat(successor.acquire(RUN))
                .as("its heartbeat is fresh, but its process is gone")
                .isEmpty();
    }

    @Test
    void aLiveProcessOfThisMachineKeepsTheRunThoughItsHeartbeatIsStale() {
        RunLeases live = owner("this-host", ProcessHandle.current().pid());
        RunLeases other = owner("this-host", ProcessHandle.current().pid());
        live.acquire(RUN);
        clock.advance(Duration.ofHours(1));

        assertThat(other.acquire(RUN))
                .as("a stuck process of this machine is not presumed dead")
                .isPresent();
    }

    @Test
    void leasesOfOtherRunsDoNotInterfere() {
        RunLeases a = owner("host-a", 101);
        RunLeases b = owner("host-b", 202);
        a.acquire(RUN);

        assertThat(b.acquire("workspace-other")).isEmpty();
    }

    private RunLeases owner(String host, long pid) {
        RunLeases leases = new RunLeases(jdbc, clock, HEARTBEAT_EVERY, STALE_AFTER, host, pid);
        owners.add(leases);
        return leases;
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
