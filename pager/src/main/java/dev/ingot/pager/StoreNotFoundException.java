package dev.ingot.pager;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An open (not a create) found no store at the path: the file does not exist or is empty.
 * Creating a store is explicit ({@link OpenMode#CREATE}).
 */
public class StoreNotFoundException extends NoSuchFileException {
    private static final long serialVersionUID = 1L;

    /**
     * @param path   the store file or directory that was asked for
     * @param reason why it is not a store, e.g. "no such file"
     */
    public StoreNotFoundException(Path path, String reason) {
        super(path.toString(), null, reason);
    }

    @Override
    public String getMessage() {
        return "no store at " + getFile() + ": " + getReason();
    }
}
