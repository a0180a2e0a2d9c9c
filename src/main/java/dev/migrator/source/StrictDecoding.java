package dev.migrator.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Text read in the character set it must be in: bytes that are not text in it are an error that
 * names their line, never replacement characters in a customer's name.
 */
public final class StrictDecoding {

    private StrictDecoding() {}

    /** A decoder that fails on malformed input rather than replacing it. */
    public static CharsetDecoder decoder(Charset charset) {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Whether {@code failure} comes from bytes that do not decode. */
    public static boolean isDecodingFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    /** "line 3 is not UTF-8 text", with {@code where} naming the file, the line or both. */
    public static String notText(String where, Charset charset) {
        return where + " is not " + charset.name() + " text";
    }

    /**
     * The line of the first byte sequence of {@code in} that does not decode, or 0 if every one
     * does.
     */
    public static long firstUndecodableLine(InputStream in, Charset charset) throws IOException {
        CharsetDecoder decoder = decoder(charset);
        ByteBuffer bytes = ByteBuffer.allocate(8192);
        CharBuffer chars = CharBuffer.allocate(8192);
        long line = 1;
        boolean end = false;
        while (true) {
            if (!end) {
                int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (read < 0) {
                    end = true;
                } else {
                    bytes.position(bytes.position() + read);
                }
            }
            bytes.flip();
            CoderResult result = decoder.decode(bytes, chars, end);
            chars.flip();
            while (chars.hasRemaining()) {
                if (chars.get() == '\n') {
                    line++;
                }
            }
            chars.clear();
            if (result.isError()) {
                return line;
            }
            bytes.compact();
            if (end && result.isUnderflow()) {
                return 0;
            }
        }
    }
}
