package dev.lanes.core.rules;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Safe loading of a rule document: YAML (or JSON, which is YAML) composed into a node tree and
 * never constructed into objects, so no YAML tag can instantiate anything, with size, nesting
 * and alias expansion bounded so that a hostile document cannot exhaust memory or the stack.
 */
final class YamlDocuments {

    // The deepest real document is 7 levels (lanes, lane, entry, match, headers, condition);
    // the headroom serves documents that are wrong but should still get a precise error.
    static final int MAX_NESTING_DEPTH = 20;
    static final int MAX_COLLECTION_ALIASES = 20;

    private YamlDocuments() {
    }

    /**
     * The tree of {@code text} (null for an empty document); a document that cannot be read is
     * reported to {@code reader} and thrown as its failure.
     */
    static Node compose(String text, NodeReader reader) throws RuleValidationException {
        if (text.length() > RuleParser.MAX_DOCUMENT_CHARS) {
            reader.problem("document", 0, text.length() + " characters", "is too long",
                    "at most " + RuleParser.MAX_DOCUMENT_CHARS + " characters (1 MiB)");
            throw reader.failure();
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (looksLikeJson(text)) {
            // JSON is YAML, except that YAML forbids tabs as indentation, and JSON files are
            // often indented with tabs. Literal tabs are not allowed inside JSON strings, so in a
            // JSON document every tab is white space; one for one keeps lines and columns.
            text = text.replace('\t', ' ');
        }
        Node root;
        try {
            root = composeBounded(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null) {
                what = e.getContext() + ": " + what;
            }
            reader.problem("document", mark == null ? 0 : mark.getLine() + 1, null, NodeReader.oneLine(what),
                    "valid YAML or JSON");
            throw reader.failure();
        } catch (ReaderException e) {
            reader.problem("document", NodeReader.lineAt(text, e.getPosition()), null,
                    NodeReader.oneLine(e.getMessage()), "printable Unicode text");
            throw reader.failure();
        } catch (YAMLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("Nesting Depth exceeded")) {
                reader.problem("document", 0, null, "is nested more than " + MAX_NESTING_DEPTH + " levels deep",
                        "at most " + MAX_NESTING_DEPTH + " levels of lists and mappings");
            } else if (message.startsWith("Number of aliases")) {
                reader.problem("document", 0, null, "uses more than " + MAX_COLLECTION_ALIASES
                        + " aliases of lists or mappings", "at most " + MAX_COLLECTION_ALIASES + " such aliases");
            } else {
                reader.problem("document", 0, null, NodeReader.oneLine(message), "valid YAML or JSON");
            }
            throw reader.failure();
        } catch (RuntimeException e) {
            // The YAML reader is third-party code; whatever it throws, the document is unusable.
            reader.problem("document", 0, null, "could not be read (" + NodeReader.oneLine(String.valueOf(e)) + ")",
                    "valid YAML or JSON");
            throw reader.failure();
        }
        return root;
    }

    private static Node composeBounded(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(RuleParser.MAX_DOCUMENT_CHARS + 1);
        options.setProcessComments(false);
        // The default tag inspector already refuses every global tag; nothing is ever constructed.
        Composer composer = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options);
        return composer.getSingleNode();
    }

    private static boolean looksLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return c == '{' || c == '[';
            }
        }
        return false;
    }
}
