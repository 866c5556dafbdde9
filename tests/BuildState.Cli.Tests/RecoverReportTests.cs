using System.Text.RegularExpressions;
using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>`recover` says in words what it repaired and from what, and its counts, its JSON and its exit code agree.</summary>
public sealed class RecoverReportTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    private static int Count(string output, string heading) =>
        output.Split('\n').Count(line => line.StartsWith(heading, StringComparison.Ordinal));

    private static int Summary(string output, string what) =>
        int.Parse(Regex.Match(output, $@"(\d+) {Regex.Escape(what)}").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_truncated_state_is_one_repair_in_words_and_exit_0()
    {
        var state = _store.StateFile(TestStore.Lib);
        using (var stream = new FileStream(state, FileMode.Open))
        {
            stream.SetLength(100);
        }

        var result = Bs.Run(_store.Repo, "recover");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(1, Count(result.Out, "repaired"));
        Assert.Equal(1, Summary(result.Out, "repair(s)"));
        Assert.Contains("restored the state from history record", result.Out);
        Assert.DoesNotContain("exit code", result.Out);
    }

    [Fact]
    public void A_log_cut_short_is_counted_as_lost_in_the_lines_the_summary_and_the_json()
    {
        var log = _store.HistoryLog(TestStore.App);
        var scan = HistoryLog.Scan(File.ReadAllBytes(log), log);
        var copy = Path.Combine(_store.Repo, "log-copy.bsh");
        File.Copy(log, copy);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(scan.Entries[1].End + 40);
        }

        var text = Bs.Run(_store.Repo, "recover");

        Assert.True(text.Code == 3, text.ToString());
        Assert.Equal(1, Count(text.Out, "lost"));
        Assert.Equal(1, Summary(text.Out, "lost"));
        Assert.DoesNotContain("records were lost", text.Out);

        File.Copy(copy, log, overwrite: true);
        using (var stream = new FileStream(log, FileMode.Open))
        {
            stream.SetLength(scan.Entries[1].End + 40);
        }

        var json = Bs.Run(_store.Repo, "recover", "--json");
        Assert.Equal(3, json.Code);
        Assert.Equal(3, json.Json.GetProperty("exitCode").GetInt32());
        var lost = Assert.Single(json.Json.GetProperty("lost").EnumerateArray());
        Assert.Contains("history records 3 to", lost.GetString());
    }
}
