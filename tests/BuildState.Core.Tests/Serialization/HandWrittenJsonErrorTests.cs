using System.Text;
using BuildState.Errors;
using BuildState.Serialization;
using static BuildState.Core.Tests.Serialization.StoreJsonOracle;

namespace BuildState.Core.Tests.Serialization;

/// <summary>
/// Inputs the hand-written reader leaves to System.Text.Json, one by one: each gives exactly the
/// value or the error (kind, file, message) the store gave before; the ones that are errors are
/// Corruption errors naming the file.
/// </summary>
public sealed class HandWrittenJsonErrorTests
{
    public static TheoryData<string, bool> Inputs => new()
    {
        { "", true },
        { "null", true },
        { "[]", true },
        { "\"text\"", true },
        { "{", true },
        { "{\"id\":\"a\"", true },
        { "{} {}", true },
        { "{}x", true },
        { "{\"id\":\"a\",}", true },
        { "{/*c*/\"id\":\"a\"}", true },
        { "\ufeff{\"id\":\"a\"}", false },
        { "{\"sequence\":1.0}", true },
        { "{\"sequence\":\"1\"}", true },
        { "{\"sequence\":null}", true },
        { "{\"sequence\":99999999999999999999}", true },
        { "{\"schemaVersion\":2147483648}", true },
        { "{\"status\":\"Bogus\"}", true },
        { "{\"createdAt\":\"yesterday\"}", true },
        { "{\"transitions\":[{\"durationMs\":\"1\"}]}", true },
        { "{\"resources\":{\"phaseDurationsMs\":{\"Build\":null}}}", true },
        { "{\"unknown\":" + new string('[', 70) + new string(']', 70) + "}", true },
        { "{\"id\":\"\\ud800\"}", false },
        { "{\"id\":\"a\\x\"}", true },
        { "{\"id\":null}", false },
        { "{\"status\":\"running\"}", false },
        { "{\"status\":2}", false },
        { "{\"status\":\"2\"}", false },
        { "{\"id\":\"a\",\"id\":\"b\"}", false },
        { "{\"metadata\":{\"a\":\"1\",\"a\":\"2\"}}", false },
        { "{\"unknown\":{\"a\":[1,null]},\"id\":\"a\"}", false },
        { "{\"createdAt\":\"2026-11-23\"}", false },
        { "{\"run\":{\"owner\":{\"processId\":1}}}", false },
        { "{\"transitions\":null,\"metadata\":null}", false },
        { "{\"i\\u0064\":\"a\"}", false },
        { "{}", false },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_state_file_reads_as_before(string json, bool isError)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = Outcome(() => State.OracleRead(bytes), State.OracleWrite);
        Assert.Equal(expected, Outcome(() => State.Read(bytes), State.OracleWrite));
        if (isError)
        {
            var e = Assert.Throws<BuildStateException>(() => StoreJson.DeserializeState(bytes, StoreJsonOracle.Path));
            Assert.Equal(StoreErrorKind.Corruption, e.Kind);
            Assert.Equal(StoreJsonOracle.Path, e.FilePath);
            Assert.DoesNotContain("LineNumber:", e.Message); // System.Text.Json's 0-based repeat of the position
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_journal_record_reads_as_before(string json, bool isError)
    {
        _ = isError; // the journal's type has other properties: only sameness is checked here
        var bytes = Encoding.UTF8.GetBytes(json.Replace("\"id\"", "\"key\""));
        Assert.Equal(Outcome(() => Journal.OracleRead(bytes), Journal.OracleWrite), Outcome(() => Journal.Read(bytes), Journal.OracleWrite));
    }

    [Fact]
    public void A_state_too_deep_for_the_limit_is_refused_as_before()
    {
        // 64 levels is the store's limit (StoreLimits.MaxJsonDepth), inside a property the reader does not know.
        var deep = Encoding.UTF8.GetBytes("{\"id\":\"a\",\"x\":" + new string('[', 64) + new string(']', 64) + "}");
        var expected = Outcome(() => State.OracleRead(deep), State.OracleWrite);
        Assert.StartsWith("BuildStateException Corruption", expected);
        Assert.Equal(expected, Outcome(() => State.Read(deep), State.OracleWrite));
    }
}
