package io.tttdiscover.cli.command;

/** A --param value as JSON would carry it: number, boolean, null or string. */
final class Params {
    private Params() {
    }

    static Object parse(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        if (v.equals("null")) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException notLong) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException notNumber) {
                return v;
            }
        }
    }
}
