package dev.lanes.core.plugin;

/**
 * The names a class file declares as its super class and interfaces, read straight from its
 * header: the constant pool is skipped over, not parsed into objects. It is what deciding "does
 * this class inherit N" needs, at a small fraction of the cost of a full type description, and
 * it is done for every class a plugin's class loader loads.
 */
final class ClassHeader {

    private static final int MAGIC = 0xCAFEBABE;
    private static final int ACC_INTERFACE = 0x0200;

    /** Binary name of the super class, or null (java.lang.Object, module-info). */
    final String superName;
    /** Binary names of the direct interfaces. */
    final String[] interfaces;
    final boolean isInterface;
    /** Bit i is set when the constant pool holds the name {@code wanted[i]} given to {@link #read}. */
    final long mentioned;

    private ClassHeader(String superName, String[] interfaces, boolean isInterface, long mentioned) {
        this.superName = superName;
        this.interfaces = interfaces;
        this.isInterface = isInterface;
        this.mentioned = mentioned;
    }

    /**
     * Reads the header of {@code bytes}.
     *
     * @throws IllegalArgumentException when {@code bytes} is not a well-formed class file header
     */
    static ClassHeader read(byte[] bytes) {
        return read(bytes, NONE);
    }

    private static final byte[][] NONE = new byte[0][];

    /**
     * Reads the header of {@code bytes}, noting which of the ASCII names {@code wanted} its
     * constant pool holds: a class that declares a method has its name in the pool, so a name
     * missing from it is a method the class cannot declare.
     *
     * @throws IllegalArgumentException when {@code bytes} is not a well-formed class file header
     */
    static ClassHeader read(byte[] bytes, byte[][] wanted) {
        try {
            if (u4(bytes, 0) != MAGIC) {
                throw new IllegalArgumentException("not a class file");
            }
            int count = u2(bytes, 8);
            // Offsets of the CONSTANT_Class and CONSTANT_Utf8 entries we may need; others are skipped.
            int[] offsets = new int[count];
            long mentioned = 0L;
            int p = 10;
            for (int i = 1; i < count; i++) {
                offsets[i] = p;
                int tag = bytes[p] & 0xFF;
                switch (tag) {
                    case 1: // Utf8
                        int length = u2(bytes, p + 1);
                        for (int w = 0; w < wanted.length; w++) {
                            if (wanted[w].length == length && (mentioned & (1L << w)) == 0 && equal(bytes, p + 3,
                                    wanted[w])) {
                                mentioned |= 1L << w;
                            }
                        }
                        p += 3 + length;
                        break;
                    case 7: // Class
                    case 8: // String
                    case 16: // MethodType
                    case 19: // Module
                    case 20: // Package
                        p += 3;
                        break;
                    case 15: // MethodHandle
                        p += 4;
                        break;
                    case 3: // Integer
                    case 4: // Float
                    case 9: // Fieldref
                    case 10: // Methodref
                    case 11: // InterfaceMethodref
                    case 12: // NameAndType
                    case 17: // Dynamic
                    case 18: // InvokeDynamic
                        p += 5;
                        break;
                    case 5: // Long
                    case 6: // Double
                        p += 9;
                        i++;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + p);
                }
            }
            int access = u2(bytes, p);
            int superIndex = u2(bytes, p + 4);
            int interfaceCount = u2(bytes, p + 6);
            String[] interfaces = new String[interfaceCount];
            for (int i = 0; i < interfaceCount; i++) {
                interfaces[i] = className(bytes, offsets, u2(bytes, p + 8 + 2 * i));
            }
            String superName = superIndex == 0 ? null : className(bytes, offsets, superIndex);
            return new ClassHeader(superName, interfaces, (access & ACC_INTERFACE) != 0, mentioned);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated class file", e);
        }
    }

    private static boolean equal(byte[] bytes, int offset, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (bytes[offset + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static String className(byte[] bytes, int[] offsets, int classIndex) {
        int classEntry = offsets[classIndex];
        if ((bytes[classEntry] & 0xFF) != 7) {
            throw new IllegalArgumentException("constant " + classIndex + " is not a class");
        }
        int utf8 = offsets[u2(bytes, classEntry + 1)];
        int length = u2(bytes, utf8 + 1);
        return modifiedUtf8(bytes, utf8 + 3, length).replace('/', '.');
    }

    /** Class names are nearly always ASCII; the rare other characters are decoded properly. */
    private static String modifiedUtf8(byte[] bytes, int offset, int length) {
        char[] chars = new char[length];
        int n = 0;
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i++] & 0xFF;
            if (b < 0x80) {
                chars[n++] = (char) b;
            } else if ((b & 0xE0) == 0xC0) {
                chars[n++] = (char) (((b & 0x1F) << 6) | (bytes[i++] & 0x3F));
            } else {
                chars[n++] = (char) (((b & 0x0F) << 12) | ((bytes[i++] & 0x3F) << 6) | (bytes[i++] & 0x3F));
            }
        }
        return new String(chars, 0, n);
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u4(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
