package dev.migrator.source.json;

import dev.migrator.source.InputOpener;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.json.JsonValues.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The people file that goes with some exports ({@code --users}: Zendesk users, Freshdesk contacts
 * and agents), held in memory by id: tickets name their requester and authors by id only. It may
 * also hold the groups and companies tickets name by id. A record of it that cannot be read is
 * counted, so that a ticket needing that person is rejected with a reason that says so.
 */
public final class People {

    /** One record of the people file: a person, or a group or company that tickets name by id. */
    public sealed interface Entry permits Person, Group, Company {

        String id();
    }

    /**
     * A person as the helpdesk knows them; {@code agent} for its staff, false for customers.
     *
     * @param companyId the id of the company (Zendesk organization) they belong to, or {@code null}
     */
    public record Person(
            String id,
            String email,
            String externalId,
            String name,
            boolean agent,
            String companyId)
            implements Entry {

        /** A person who belongs to no company. */
        public Person(String id, String email, String externalId, String name, boolean agent) {
            this(id, email, externalId, name, agent, null);
        }
    }

    /** A group of agents (a team) tickets are assigned to. */
    public record Group(String id, String name) implements Entry {}

    /**
     * A customer's company (a Zendesk organization), with the {@code externalId} the helpdesk keeps
     * for it, if any.
     */
    public record Company(String id, String name, String externalId) implements Entry {}

    private final String fileName;

    /** Everyone of each id, in the file's order: a helpdesk may list one id as two people. */
    private final Map<String, List<Person>> byId;

    /** The groups and companies by id, the last one read of each id. */
    private final Map<String, Group> groups;

    private final Map<String, Company> companies;

    private final long unreadable;
    private final long firstUnreadableLine;

    private People(
            String fileName,
            Map<String, List<Person>> byId,
            Map<String, Group> groups,
            Map<String, Company> companies,
            long unreadable,
            long firstUnreadableLine) {
        this.fileName = fileName;
        this.byId = byId;
        this.groups = groups;
        this.companies = companies;
        this.unreadable = unreadable;
        this.firstUnreadableLine = firstUnreadableLine;
    }

    /**
     * Reads every value of {@code file}, its bytes through {@code opener}, with {@code reader},
     * which returns {@code null} for values that are not people.
     */
    public static People load(
            Path file, InputOpener opener, Function<JsonNode, ? extends Entry> reader) {
        return load(file, opener, List::of, reader);
    }

    /**
     * As {@link #load(Path, InputOpener, Function)}, for a file whose values may each hold several
     * people (a page of an API's list response): {@code records} returns the records a value holds,
     * each then read with {@code reader}.
     */
    public static People load(
            Path file,
            InputOpener opener,
            Function<JsonNode, List<JsonNode>> records,
            Function<JsonNode, ? extends Entry> reader) {
        Map<String, List<Person>> byId = new HashMap<>();
        Map<String, Group> groups = new HashMap<>();
        Map<String, Company> companies = new HashMap<>();
        long unreadable = 0;
        long firstUnreadableLine = 0;
        try (JsonValues values = JsonValues.open(file, file.toString(), opener)) {
            for (Value value = values.next(); value != null; value = values.next()) {
                long unreadableHere = value.readable() ? 0 : 1;
                if (value.readable()) {
                    for (JsonNode record : records.apply(value.node())) {
                        Entry entry = read(record, reader);
                        if (entry == null || entry.id() == null) {
                            unreadableHere++;
                        } else if (entry instanceof Person person) {
                            byId.computeIfAbsent(person.id(), id -> new ArrayList<>()).add(person);
                        } else if (entry instanceof Group group) {
                            groups.put(group.id(), group);
                        } else if (entry instanceof Company company) {
                            companies.put(company.id(), company);
                        }
                    }
                }
                if (unreadableHere > 0) {
                    unreadable += unreadableHere;
                    firstUnreadableLine =
                            firstUnreadableLine == 0 ? value.line() : firstUnreadableLine;
                }
            }
            values.readToEnd();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new People(
                file.toString(), byId, groups, companies, unreadable, firstUnreadableLine);
    }

    private static Entry read(JsonNode record, Function<JsonNode, ? extends Entry> reader) {
        try {
            return reader.apply(record);
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    /** The person of {@code id}; the last one read when the file lists that id more than once. */
    public Optional<Person> find(String id) {
        List<Person> listed = all(id);
        return listed.isEmpty() ? Optional.empty() : Optional.of(listed.get(listed.size() - 1));
    }

    /**
     * Everyone the file lists with {@code id}, in the file's order (Freshdesk's contacts and agents
     * can share an id).
     */
    public List<Person> all(String id) {
        return id == null ? List.of() : List.copyOf(byId.getOrDefault(id, List.of()));
    }

    /** The group of {@code id}, when the file holds it. */
    public Optional<Group> group(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(groups.get(id));
    }

    /** The company of {@code id}, when the file holds it. */
    public Optional<Company> company(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(companies.get(id));
    }

    /**
     * The reason to give when {@code find} came back empty: "456 is not in the users file
     * users.json", and why it may not be.
     */
    public String missing(String role, String id) {
        if (id == null) {
            return role + " is not given";
        }
        return role
                + " "
                + id
                + " is not in the users file "
                + fileName
                + (unreadable == 0
                        ? ""
                        : " ("
                                + unreadable
                                + " of its records could not be read, the first at line "
                                + firstUnreadableLine
                                + ")");
    }
}
