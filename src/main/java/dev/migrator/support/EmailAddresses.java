package dev.migrator.support;

import java.util.regex.Pattern;

/** What the migrator takes for an email address: something@somewhere, without spaces. */
public final class EmailAddresses {

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private EmailAddresses() {}

    public static boolean isAddress(String text) {
        return ADDRESS.matcher(text).matches();
    }
}
