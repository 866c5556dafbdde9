using System.Text;
using BuildState.Core.Tests.Infrastructure;
using BuildState.IO;

namespace BuildState.Core.Tests;

/// <summary>
/// The index journal takes appends from many processes with no lock file, and is drained (folded
/// into index.json, then emptied) while they go on: no line may be lost, doubled or torn.
/// </summary>
public sealed class ConcurrentAppendTests
{
    [Fact]
    public void Lines_appended_by_four_processes_while_the_file_is_drained_over_and_over_are_each_read_exactly_once()
    {
        var fs = PhysicalFileSystem.Instance;
        if (!fs.AppendsAreConcurrent)
        {
            return; // elsewhere the store serialises these appends with its index lock instead
        }

        using var dir = new TempDir();
        var path = dir.Combine("index.journal");
        const int perProcess = 10_000;
        var go = dir.Combine("go");
        var writers = Enumerable.Range(0, 4).Select(i => Hammer.Start(path, "append", $"p{i}", perProcess.ToString(System.Globalization.CultureInfo.InvariantCulture), go)).ToList();
        var drained = new StringBuilder();
        var drains = 0;
        try
        {
            foreach (var w in writers)
            {
                Hammer.WaitForLine(w, "started", TimeSpan.FromSeconds(60));
            }

            File.WriteAllText(go, "go"); // all four start appending now, while this loop drains

            while (writers.Any(w => !w.HasExited))
            {
                fs.DrainAppends(path, () => drained.Append(Encoding.UTF8.GetString(fs.ReadAllBytes(path, long.MaxValue))));
                drains++;
                Thread.Sleep(1);
            }

            foreach (var w in writers)
            {
                Assert.True(w.ExitCode == 0, w.StandardError.ReadToEnd());
            }

            fs.DrainAppends(path, () => drained.Append(Encoding.UTF8.GetString(fs.ReadAllBytes(path, long.MaxValue))));
        }
        finally
        {
            foreach (var w in writers.Where(w => !w.HasExited))
            {
                w.Kill();
            }
        }

        var lines = drained.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = Enumerable.Range(0, 4).SelectMany(p => Enumerable.Range(0, perProcess).Select(i => $"p{p}-{i}")).ToHashSet();
        Assert.True(drains >= 3, $"only {drains} drains ran while the writers wrote");
        Assert.Equal(expected.Count, lines.Length); // nothing lost, nothing read twice
        Assert.True(expected.SetEquals(lines), "a line was torn or is not one that was written");
        Assert.Equal(0, new FileInfo(path).Length);
    }
}
