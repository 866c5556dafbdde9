using System.Text;
using BuildState.Tables;
using Microsoft.CodeAnalysis;

namespace BuildState.Generators.Tests;

/// <summary>
/// Random and mutated tables: the parser and the generator never throw, every bad table gets at
/// least one BST error at its own file, and every valid table generates code that compiles.
/// Deterministic seeds; set <c>BUILDSTATE_FUZZ_SEED</c> to explore others.
/// </summary>
public class FuzzTests
{
    private static readonly string[] Names =
    {
        "Draft", "Built", "Signed", "Published", "Failed", "A", "B", "C", "D", "Init", "Done", "class", "int", "return",
        "State", "Start", "String", "1Bad", "with space", "x-y", "", "Ünïcode", "_under", "@at", "value__", "record", "Ψ",
    };

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("BUILDSTATE_FUZZ_SEED"), out var s) ? s : 20261123;

    [Fact]
    public void ParserNeverThrowsAndBadTablesAlwaysHaveAnError()
    {
        var random = new Random(Seed);
        var valid = 0;
        for (var i = 0; i < 5000; i++)
        {
            var text = i % 2 == 0 ? RandomTable(random, i) : Mutate(random, random.Next(3) == 0 ? RandomTable(random, i) : TestHelper.ReleaseTable);
            TableParseResult result;
            try
            {
                result = TableParser.Parse("f" + i + ".buildstate.json", text);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException("Parser threw for case " + i + " (seed " + Seed + "): " + ex + "\n" + text);
            }

            if (result.IsValid)
            {
                valid++;
                Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
            }
            else
            {
                Assert.True(result.Diagnostics.Any(d => d.IsError), "No error for an invalid table, case " + i + ":\n" + text);
            }

            foreach (var d in result.Diagnostics)
            {
                Assert.StartsWith("BST", d.Id, StringComparison.Ordinal);
                Assert.InRange(d.Span.Offset, 0, text.Length);
                Assert.True(d.Line >= 1 && d.Column >= 1, d.ToString());
            }

            if (result.Table != null)
            {
                TableRenderer.ToMermaid(result.Table);
                TableRenderer.ToDot(result.Table);
            }
        }

        Assert.InRange(valid, 500, 4500); // the mix exercises both sides
    }

    [Fact]
    public void GeneratorNeverThrowsValidTablesCompileBadOnesAreReported()
    {
        var random = new Random(Seed + 1);
        var tables = new List<(string Path, string Text)>();
        for (var i = 0; i < 300; i++)
        {
            var text = i % 3 == 0 ? Mutate(random, RandomTable(random, i)) : RandomTable(random, i);
            tables.Add(("t" + i + ".buildstate.json", text));
        }

        var result = TestHelper.Run(Array.Empty<string>(), tables, withSystemTextJson: true, withCore: true);
        Assert.All(result.Run.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "CS8785");
        TestHelper.AssertNoErrors(result.CompileDiagnostics);

        var diagnostics = TestHelper.Analyze(result, tables);
        var reported = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Location.GetLineSpan().Path).ToHashSet();
        var generated = 0;
        foreach (var (path, text) in tables)
        {
            var parsed = TableParser.Parse(path, text);
            if (!parsed.IsValid)
            {
                Assert.True(reported.Contains(path), "No BST error reported for " + path + ":\n" + text);
            }
            else if (!reported.Contains(path))
            {
                generated++;
            }
        }

        // Valid, non-colliding tables each produced one file.
        Assert.Equal(generated, result.TableHintNames.Count());
        Assert.True(generated > 50, "too few valid tables: " + generated);
    }

    /// <summary>A table that is valid when the dice say so, and plausibly broken otherwise.</summary>
    private static string RandomTable(Random random, int index)
    {
        var sane = random.Next(4) != 0;
        var count = random.Next(1, 9);
        var states = new List<string>();
        while (states.Count < count)
        {
            var name = sane ? "S" + random.Next(20) + (random.Next(5) == 0 ? "_" + Names[random.Next(5)] : "") : Names[random.Next(Names.Length)];
            if (!states.Contains(name) || !sane)
            {
                states.Add(name);
            }
        }

        var sb = new StringBuilder("{\n");
        if (random.Next(30) != 0)
        {
            sb.Append("  \"name\": ").Append(Quote(sane ? "T" + index : Names[random.Next(Names.Length)])).Append(",\n");
        }

        if (random.Next(10) != 0)
        {
            sb.Append("  \"namespace\": ").Append(Quote(sane || random.Next(2) == 0 ? "Fuzz.N" + index : "Bad..Ns")).Append(",\n");
        }

        if (random.Next(20) != 0)
        {
            sb.Append("  \"initial\": ").Append(Quote(sane ? states[0] : Names[random.Next(Names.Length)])).Append(",\n");
        }

        var terminal = states[states.Count - 1];
        if (random.Next(20) != 0)
        {
            sb.Append("  \"terminal\": [").Append(Quote(sane ? terminal : Names[random.Next(Names.Length)])).Append("],\n");
        }

        if (random.Next(3) == 0)
        {
            sb.Append("  \"error\": ").Append(Quote(states[random.Next(states.Count)])).Append(",\n");
        }

        sb.Append("  \"transitions\": {\n");
        var entries = new List<string>();
        for (var i = 0; i < states.Count; i++)
        {
            if (sane && states[i] == terminal)
            {
                continue;
            }

            var targets = new List<string>();
            if (sane)
            {
                targets.Add(states[i + 1]); // a chain keeps every state reachable and alive
            }

            for (var k = random.Next(3); k > 0; k--)
            {
                var target = sane ? states[random.Next(states.Count)] : Names[random.Next(Names.Length)];
                if (!sane || !targets.Contains(target))
                {
                    targets.Add(target);
                }
            }

            if (sane && states[i] != terminal)
            {
                targets.Remove(terminal);
                targets.Add(terminal);
            }

            entries.Add("    " + Quote(states[i]) + ": [" + string.Join(", ", targets.Select(Quote)) + "]");
        }

        sb.Append(string.Join(",\n", entries)).Append("\n  }\n}\n");
        return sb.ToString();
    }

    private static string Mutate(Random random, string text)
    {
        var sb = new StringBuilder(text);
        for (var n = random.Next(1, 4); n > 0 && sb.Length > 0; n--)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(5))
            {
                case 0:
                    sb.Remove(at, Math.Min(random.Next(1, 6), sb.Length - at));
                    break;
                case 1:
                    sb.Insert(at, "{}[]\":, a1\n\\-"[random.Next(13)]);
                    break;
                case 2:
                    sb[at] = (char)random.Next(32, 127);
                    break;
                case 3:
                    sb.Insert(at, new string('[', random.Next(1, 200)));
                    break;
                default:
                    var name = Names[random.Next(Names.Length)];
                    var text2 = sb.ToString();
                    var q = text2.IndexOf('"', at);
                    if (q >= 0)
                    {
                        var end = text2.IndexOf('"', q + 1);
                        if (end > q)
                        {
                            sb.Remove(q + 1, end - q - 1).Insert(q + 1, name);
                        }
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
