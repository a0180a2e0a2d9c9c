package dev.migrator.support;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * A setting that is either {@code auto} (the migrator finds the figure itself) or a positive number
 * the user caps that figure at. Binds from {@code auto} and from a number, written as text or not.
 */
public record UpperBound(OptionalInt cap) {

    public static final UpperBound AUTO = new UpperBound(OptionalInt.empty());

    public UpperBound {
        if (cap.isPresent() && cap.getAsInt() < 1) {
            throw new IllegalArgumentException(
                    "must be auto or a number of at least 1, not " + cap.getAsInt());
        }
    }

    public static UpperBound of(int cap) {
        return new UpperBound(OptionalInt.of(cap));
    }

    /** For binding: {@code auto}, or a whole number. */
    public static UpperBound valueOf(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("auto")) {
            return AUTO;
        }
        try {
            return of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "must be auto or a whole number, not '" + text + "'");
        }
    }

    /** For binding a number that YAML or a test's property source gives as one. */
    public static UpperBound valueOf(Integer cap) {
        return of(cap);
    }

    public boolean isAuto() {
        return cap.isEmpty();
    }

    /** The cap, or {@code unbounded} when auto. */
    public int orElse(int unbounded) {
        return cap.orElse(unbounded);
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Integer.toString(cap.getAsInt());
    }
}
