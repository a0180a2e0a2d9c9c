package dev.migrator.attachments;

import dev.migrator.attachments.AttachmentDownloads.Download;
import dev.migrator.attachments.AttachmentDownloads.SizeLimit;
import dev.migrator.intercom.AttachmentFile;
import dev.migrator.ledger.FailedAttachment;
import dev.migrator.mapping.PlannedAttachment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, per attachment, whether it goes by URL (Intercom fetches it) or is carried by the
 * migrator ({@code migration.attachments}), and downloads those it carries. A file that cannot be
 * carried is never lost: its part lists it as a link under {@link #NOT_CARRIED_HEADING}.
 */
public class AttachmentCarrier {

    /** The heading of the list of files a part could not carry, at the end of its body. */
    public static final String NOT_CARRIED_HEADING = "Attachments not carried over:";

    /** Answers to a check without credentials that Intercom's own fetch would get too. */
    private static final Set<Integer> UNFETCHABLE = Set.of(401, 403, 404, 410);

    private final AttachmentMode mode;
    private final long maxFileBytes;
    private final long maxPartBytes;
    private final SourceCredentials credentials;
    private final AttachmentDownloads downloads;

    public AttachmentCarrier(
            AttachmentProperties properties,
            SourceCredentials credentials,
            AttachmentDownloads downloads) {
        this.mode = properties.attachments();
        this.maxFileBytes = properties.attachmentMaxSize().toBytes();
        this.maxPartBytes = properties.attachmentMaxPartSize().toBytes();
        this.credentials = credentials;
        this.downloads = downloads;
    }

    private AttachmentCarrier() {
        this.mode = AttachmentMode.LINK;
        this.maxFileBytes = 0;
        this.maxPartBytes = 0;
        this.credentials = SourceCredentials.none();
        this.downloads = null;
    }

    /** Every attachment by its URL, nothing downloaded: {@code link}, and every dry run. */
    public static AttachmentCarrier links() {
        return new AttachmentCarrier();
    }

    /** How a part's attachments go: by URL, or to be carried. */
    public record Plan(List<PlannedAttachment> linked, List<PlannedAttachment> toCarry) {

        public List<String> linkedUrls() {
            return linked.stream().map(PlannedAttachment::url).toList();
        }
    }

    /**
     * The files of one part, downloaded, and those that could not be; {@link #close()} deletes the
     * files.
     */
    public record Carried(List<AttachmentFile> files, List<FailedAttachment> failed)
            implements AutoCloseable {

        public static final Carried NOTHING = new Carried(List.of(), List.of());

        /**
         * {@code body}, with the files not carried listed at its end, one "name: url" a line, under
         * {@link #NOT_CARRIED_HEADING}.
         */
        public String bodyWith(String body) {
            if (failed.isEmpty()) {
                return body;
            }
            return body
                    + "\n\n"
                    + NOT_CARRIED_HEADING
                    + "\n"
                    + failed.stream()
                            .map(f -> f.name() + ": " + f.url())
                            .collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            for (AttachmentFile file : files) {
                try {
                    Files.deleteIfExists(file.path());
                } catch (IOException e) {
                    // left in the run's downloads directory; nothing depends on it
                }
            }
        }
    }

    /** Whether this carrier may download anything: not with {@code link}, nor in a dry run. */
    public boolean mayCarry() {
        return mode != AttachmentMode.LINK;
    }

    /**
     * Which of {@code attachments} go by URL and which are to be carried. With {@code auto}, a URL
     * the source's credentials or a header rule apply to is carried; any other is checked without
     * credentials and carried only when it answers 401, 403, 404 or 410.
     */
    public Plan plan(List<PlannedAttachment> attachments) {
        if (mode == AttachmentMode.LINK || attachments.isEmpty()) {
            return new Plan(attachments, List.of());
        }
        List<PlannedAttachment> linked = new ArrayList<>();
        List<PlannedAttachment> toCarry = new ArrayList<>();
        for (PlannedAttachment attachment : attachments) {
            (mode == AttachmentMode.UPLOAD || needsCarrying(attachment) ? toCarry : linked)
                    .add(attachment);
        }
        return new Plan(List.copyOf(linked), List.copyOf(toCarry));
    }

    private boolean needsCarrying(PlannedAttachment attachment) {
        URI url;
        try {
            url = URI.create(attachment.url());
        } catch (IllegalArgumentException e) {
            return false; // nothing can download it; Intercom is given it as it is, as before
        }
        if (!credentials.headersFor(url).isEmpty()) {
            return true;
        }
        // No answer at all may be this machine's network, not Intercom's: the URL is left to it.
        OptionalInt status = downloads.check(url);
        return status.isPresent() && UNFETCHABLE.contains(status.getAsInt());
    }

    /**
     * Downloads {@code toCarry} in order: each within {@code migration.attachment-max-size} and
     * within what {@code migration.attachment-max-part-size} leaves after the files before it.
     */
    public Carried carry(List<PlannedAttachment> toCarry) {
        if (toCarry.isEmpty()) {
            return Carried.NOTHING;
        }
        List<AttachmentFile> files = new ArrayList<>();
        List<FailedAttachment> failed = new ArrayList<>();
        long used = 0;
        for (PlannedAttachment attachment : toCarry) {
            Download download;
            try {
                URI url = URI.create(attachment.url());
                download = downloads.download(attachment, credentials.headersFor(url), limit(used));
                if (download instanceof Download.Failed failure
                        && (failure.status() == 401 || failure.status() == 403)) {
                    String hint = credentials.missingFor(url).map(m -> " (" + m + ")").orElse("");
                    download = new Download.Failed(failure.reason() + hint, failure.status());
                }
            } catch (IllegalArgumentException e) {
                download = new Download.Failed("not a URL that can be downloaded");
            }
            if (download instanceof Download.Downloaded downloaded) {
                files.add(downloaded.file());
                used += downloaded.file().size();
            } else if (download instanceof Download.Failed failure) {
                failed.add(
                        new FailedAttachment(
                                attachment.url(), attachment.name(), failure.reason()));
            }
        }
        return new Carried(List.copyOf(files), List.copyOf(failed));
    }

    private SizeLimit limit(long used) {
        long left = maxPartBytes - used;
        return left < maxFileBytes
                ? new SizeLimit(
                        Math.max(0, left),
                        "what migration.attachment-max-part-size ("
                                + AttachmentDownloads.text(maxPartBytes)
                                + ") leaves after the part's other files")
                : new SizeLimit(
                        maxFileBytes,
                        "migration.attachment-max-size ("
                                + AttachmentDownloads.text(maxFileBytes)
                                + ")");
    }
}
