using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BuildState.IO;
using BuildState.Store;

namespace BuildState.Core.Tests.Fuzz;

/// <summary>One corrupted variant of a file: what was done (for messages and grouping) and the bytes.</summary>
public sealed record Mutant(string Kind, string Detail, byte[] Bytes);

/// <summary>Deterministic generators of corrupted variants of store files.</summary>
public static class Mutations
{
    /// <summary>Values of the wrong type, out of range, or hostile, put in place of a JSON value.</summary>
    public static readonly string[] HostileValues =
    [
        "null", "true", "0", "-1", "1.5", "\"\"", "\"x\"", "[]", "{}", "[null]", "{\"a\":null}",
        "1e400", "-1e400", "99999999999999999999999999999", "-9223372036854775809", "9223372036854775808",
        "2147483648", "1.7976931348623157e308", "\"9999-99-99T99:99:99Z\"", "\"\\u0000\"", "\"\\ud800\"",
        "\"..\\/..\\/etc\\/passwd\"", "\"Running\"", "\"NoSuchPhase\"", "[[[[[[[[[[1]]]]]]]]]]",
    ];

    public static IEnumerable<Mutant> Truncations(byte[] bytes, int count)
    {
        var step = Math.Max(1, bytes.Length / count);
        for (var length = 0; length < bytes.Length; length += step)
        {
            yield return new Mutant("truncate", $"cut to {length} of {bytes.Length} bytes", bytes[..length]);
        }
    }

    public static IEnumerable<Mutant> ByteFlips(byte[] bytes, int count, Random random)
    {
        for (var i = 0; i < count && bytes.Length > 0; i++)
        {
            var copy = bytes.ToArray();
            var flips = 1 + random.Next(i % 4 == 0 ? 8 : 1);
            var at = new List<int>();
            for (var f = 0; f < flips; f++)
            {
                var position = random.Next(copy.Length);
                copy[position] ^= (byte)(1 + random.Next(255));
                at.Add(position);
            }

            yield return new Mutant("byte-flip", $"flipped bytes at {string.Join(",", at)}", copy);
        }
    }

    public static IEnumerable<Mutant> Garbage(Random random)
    {
        yield return new Mutant("garbage", "empty file", []);
        foreach (var text in new[] { "null", "[]", "{}", "\"text\"", "42", "{\"schemaVersion\":2}", "{\"schemaVersion\":2,\"id\":null}", "\uFEFF{}", "{\"schemaVersion\":2,\"schemaVersion\":3}", "{\"schemaVersion\":2,\"id\":\"\\ud800\",\"phase\":\"\\udc00\",\"lifecycle\":\"Default\"}" })
        {
            yield return new Mutant("garbage", text, Encoding.UTF8.GetBytes(text));
        }

        for (var i = 0; i < 12; i++)
        {
            var bytes = new byte[1 + random.Next(i < 6 ? 64 : 4096)];
            random.NextBytes(bytes);
            yield return new Mutant("garbage", $"{bytes.Length} random bytes", bytes);
        }

        yield return new Mutant("garbage", "invalid UTF-8 in a string", [.. "{\"schemaVersion\":2,\"id\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);
        yield return new Mutant("deep", "10000 nested arrays", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        yield return new Mutant("deep", "10000 nested objects", Encoding.ASCII.GetBytes("{\"schemaVersion\":2,\"metadata\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_001)));
        yield return new Mutant("huge", "33 MB of spaces (over the size limit)", Enumerable.Repeat((byte)' ', (int)StoreLimits.MaxStateFileBytes + 1024 * 1024).ToArray());
    }

    /// <summary>schemaVersion missing, older, newer, of the wrong type.</summary>
    public static IEnumerable<Mutant> SchemaVersions(byte[] bytes)
    {
        if (!TryParse(bytes, out var root) || root is not JsonObject)
        {
            yield break;
        }

        foreach (var value in new[] { "<missing>", "0", "-1", "1", "3", "999", "\"2\"", "2.5", "null", "2147483648", "true", "[]", "{}" })
        {
            var copy = (JsonObject)root!.DeepClone();
            copy.Remove("schemaVersion");
            if (value != "<missing>")
            {
                copy["schemaVersion"] = JsonNode.Parse(value);
                // Put it first, where the peek reads it.
                var reordered = new JsonObject { ["schemaVersion"] = copy["schemaVersion"]?.DeepClone() };
                foreach (var (name, node) in copy.Where(p => p.Key != "schemaVersion").ToList())
                {
                    reordered[name] = node?.DeepClone();
                }

                copy = reordered;
            }

            yield return new Mutant("schema-version", $"schemaVersion = {value}", Encoding.UTF8.GetBytes(copy.ToJsonString()));
        }
    }

    /// <summary>Every value of the document in turn (up to <paramref name="count"/>), replaced by a hostile value, or removed.</summary>
    public static IEnumerable<Mutant> JsonValues(byte[] bytes, int count, Random random)
    {
        if (!TryParse(bytes, out var root) || root is null)
        {
            yield break;
        }

        var paths = new List<List<object>>();
        Collect(root, [], paths);
        for (var i = 0; i < count; i++)
        {
            var path = paths[i % paths.Count];
            var copy = root.DeepClone();
            var choice = random.Next(HostileValues.Length + 3);
            string detail;
            if (choice == HostileValues.Length)
            {
                detail = "removed";
                Remove(copy, path);
            }
            else if (choice == HostileValues.Length + 1)
            {
                detail = "a 2 MB string";
                Set(copy, path, JsonValue.Create(new string('x', 2 * 1024 * 1024)));
            }
            else if (choice == HostileValues.Length + 2)
            {
                detail = "70 nested arrays";
                Set(copy, path, JsonNode.Parse(new string('[', 70) + new string(']', 70), documentOptions: new JsonDocumentOptions { MaxDepth = 200 }));
            }
            else
            {
                detail = HostileValues[choice];
                Set(copy, path, JsonNode.Parse(HostileValues[choice]));
            }

            string text;
            try
            {
                text = copy.ToJsonString(new JsonSerializerOptions { MaxDepth = 400 });
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                continue; // a lone surrogate cannot be written back; the raw form is in Garbage
            }

            var kind = detail is "null" or "removed" ? "json-null-or-missing" : "json-value";
            yield return new Mutant(kind, $"{Describe(path)} = {detail}", Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>History logs: records re-framed with valid checksums around mutated JSON, and damaged framing.</summary>
    public static IEnumerable<Mutant> HistoryRecords(byte[] log, int count, Random random)
    {
        var scan = HistoryLog.Scan(log, "log.bsh");
        var records = new List<byte[]>();
        long start = 0;
        foreach (var (_, end) in scan.Entries)
        {
            records.Add(log[(int)start..(int)end]);
            start = end;
        }

        if (records.Count == 0)
        {
            yield break;
        }

        byte[] Join(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();

        // Payload mutations behind valid frames: the JSON reader is reached.
        var produced = 0;
        for (var r = 0; produced < count; r = (r + 1) % records.Count)
        {
            var payload = records[r].AsSpan(HistoryLog.HeaderLength, records[r].Length - HistoryLog.HeaderLength - 1).ToArray();
            foreach (var mutant in JsonValues(payload, 1, random).Concat(SchemaVersions(payload).Skip(random.Next(13)).Take(1)))
            {
                var copy = records.ToList();
                copy[r] = Frame(mutant.Bytes);
                produced++;
                yield return new Mutant(mutant.Kind == "json-null-or-missing" ? "history-json-null-or-missing" : "history-json", $"record {r}: {mutant.Detail}", Join(copy));
            }
        }

        for (var r = 0; r < records.Count; r++)
        {
            var header = Encoding.ASCII.GetString(records[r], 0, HistoryLog.HeaderLength);
            foreach (var (what, replacement) in new[] { ("length ffffffff", "ffffffff"), ("length zzzzzzzz", "zzzzzzzz"), ("length 00000000", "00000000"), ("length 7fffffff", "7fffffff") })
            {
                var copy = records.ToList();
                copy[r] = [.. Encoding.ASCII.GetBytes(header[..5] + replacement + header[13..]), .. records[r].AsSpan(HistoryLog.HeaderLength)];
                yield return new Mutant("history-frame", $"record {r}: {what}", Join(copy));
            }

            var duplicated = records.ToList();
            duplicated.Insert(r, records[r]);
            yield return new Mutant("history-order", $"record {r} twice", Join(duplicated));
            if (r > 0)
            {
                var swapped = records.ToList();
                (swapped[r - 1], swapped[r]) = (swapped[r], swapped[r - 1]);
                yield return new Mutant("history-order", $"records {r - 1} and {r} swapped", Join(swapped));
            }

            var without = records.ToList();
            without.RemoveAt(r);
            yield return new Mutant("history-order", $"record {r} removed", Join(without));
        }

        yield return new Mutant("history-frame", "a record of 0 bytes", Join(records.Append(Frame([]))));
        yield return new Mutant("history-frame", "a record holding JSON null", Join(records.Append(Frame("null"u8.ToArray()))));
        yield return new Mutant("history-frame", "a record holding an array", Join(records.Append(Frame("[1,2]"u8.ToArray()))));
    }

    public static byte[] Frame(byte[] payload)
    {
        var header = Encoding.ASCII.GetBytes($"BSH1 {payload.Length:x8} {Crc32.Compute(payload):x8} ");
        return [.. header, .. payload, (byte)'\n'];
    }

    private static bool TryParse(byte[] bytes, out JsonNode? node)
    {
        try
        {
            node = JsonNode.Parse(bytes);
            return node is not null;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    private static void Collect(JsonNode node, List<object> path, List<List<object>> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    List<object> here = [.. path, name];
                    paths.Add(here);
                    if (child is not null)
                    {
                        Collect(child, here, paths);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    List<object> here = [.. path, i];
                    paths.Add(here);
                    if (a[i] is { } child)
                    {
                        Collect(child, here, paths);
                    }
                }

                break;
        }
    }

    private static JsonNode? Parent(JsonNode root, List<object> path)
    {
        var node = root;
        foreach (var step in path.Take(path.Count - 1))
        {
            node = step is string name ? node?[name] : node?[(int)step];
        }

        return node;
    }

    private static void Set(JsonNode root, List<object> path, JsonNode? value)
    {
        switch (Parent(root, path), path[^1])
        {
            case (JsonObject o, string name):
                o[name] = value;
                break;
            case (JsonArray a, int index):
                a[index] = value;
                break;
        }
    }

    private static void Remove(JsonNode root, List<object> path)
    {
        switch (Parent(root, path), path[^1])
        {
            case (JsonObject o, string name):
                o.Remove(name);
                break;
            case (JsonArray a, int index):
                a.RemoveAt(index);
                break;
        }
    }

    private static string Describe(List<object> path) => "$" + string.Concat(path.Select(p => p is string s ? "." + s : $"[{p}]"));
}
