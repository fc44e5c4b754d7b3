package dev.lanes.core.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every YAML and JSON example in docs/rules.md is a valid rule document, so the docs cannot drift from the parser. */
class RulesDocExamplesTest {

    @Test
    void everyExampleInTheRulesDocParses() throws Exception {
        Path doc = Path.of("..", "docs", "rules.md");
        String text = Files.readString(doc);
        Matcher blocks = Pattern.compile("```(yaml|json)\\n(.*?)```", Pattern.DOTALL).matcher(text);
        int count = 0;
        while (blocks.find()) {
            count++;
            String example = blocks.group(2);
            try {
                RuleParser.parse(example, "docs/rules.md");
            } catch (RuleValidationException e) {
                fail("example " + count + " in docs/rules.md is rejected:\n" + example + "\n" + e.getMessage());
            }
        }
        assertTrue(count >= 10, "expected the examples of docs/rules.md, found " + count);
    }
}
