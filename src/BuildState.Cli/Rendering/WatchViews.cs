using System.Globalization;
using BuildState.Model;

namespace BuildState.Cli.Rendering;

/// <summary>How <c>watch</c> shows what happens.</summary>
internal interface IWatchView
{
    int Run(Func<int> loop);

    void OnEvent(WatchEvent e, RunFollower follower);

    void Refresh(RunFollower follower, TimeSpan elapsed);
}

/// <summary>--json: one compact JSON object per line, flushed at once.</summary>
internal sealed class JsonWatchView(CliContext ctx) : IWatchView
{
    public int Run(Func<int> loop) => loop();

    public void OnEvent(WatchEvent e, RunFollower follower)
    {
        var line = CliJson.Serialize(
            new WatchEventJson(e.Event, e.Id, e.RunId, e.At, e.Phase, e.From, e.To, e.Status, e.ElapsedMs, e.Builds, e.Message),
            CliJsonContext.Default.WatchEventJson,
            indented: false);
        ctx.Out.WriteLine(line);
        ctx.Out.Flush();
    }

    public void Refresh(RunFollower follower, TimeSpan elapsed)
    {
    }
}

/// <summary>Redirected output: one line per event.</summary>
internal sealed class LineWatchView(CliContext ctx) : IWatchView
{
    public int Run(Func<int> loop) => loop();

    public void OnEvent(WatchEvent e, RunFollower follower)
    {
        var time = e.At.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var line = e.Event switch
        {
            "watch" => $"Watching run [bold]{Styles.E(e.RunId)}[/]{(e.Id is null ? "" : $" of {Styles.E(e.Id)}")}",
            "started" => $"{time} {Styles.E(e.Id)} started",
            "transition" => $"{time} {Styles.E(e.Id)} {Styles.Phase(e.From!)} -> {Styles.Phase(e.To!)}",
            "ended" => $"{time} {Styles.E(e.Id)} {Styles.Status(e.Status!.Value)} in {Styles.Phase(e.Phase!)} after {Styles.E(Units.DurationMs(e.ElapsedMs ?? 0))}{(e.Message is null ? "" : $": {Styles.E(e.Message)}")}",
            "done" => $"Run {Styles.E(e.RunId)} ended: {Styles.Status(e.Status!.Value)} ({e.Builds} build(s), watched {Styles.E(Units.DurationMs(e.ElapsedMs ?? 0))})",
            "timeout" => $"[yellow]Timed out[/] after {Styles.E(Units.DurationMs(e.ElapsedMs ?? 0))}",
            _ => Styles.E(e.Event),
        };
        ctx.Console.MarkupLine(line);
        ctx.Out.Flush();
    }

    public void Refresh(RunFollower follower, TimeSpan elapsed)
    {
    }
}

/// <summary>A terminal: a live table, one row per project with its phase, progress and elapsed time.</summary>
internal sealed class LiveWatchView(CliContext ctx) : IWatchView
{
    private LiveDisplayContext? _live;
    private readonly List<string> _log = [];

    public int Run(Func<int> loop)
    {
        var result = 0;
        ctx.Console.Live(new Markup("Waiting for a run…")).AutoClear(false).Start(live =>
        {
            _live = live;
            result = loop();
        });
        return result;
    }

    public void OnEvent(WatchEvent e, RunFollower follower)
    {
        if (e.Event is "ended" && e.Message is not null)
        {
            _log.Add($"[red]{Styles.E(e.Id)}[/]: {Styles.E(e.Message)}");
        }
    }

    public void Refresh(RunFollower follower, TimeSpan elapsed)
    {
        if (_live is null)
        {
            return;
        }

        var table = Styles.Table("BUILD", "PHASE", "PROGRESS", "STATUS", "ELAPSED");
        table.Title = new TableTitle($"Run {Styles.E(follower.RunId ?? "(waiting)")} · {Styles.E(Units.Duration(elapsed))}");
        foreach (var b in follower.Builds.Values)
        {
            var status = RunFollower.EffectiveStatus(b);
            var phases = ctx.Store.Lifecycles.TryGet(b.Lifecycle, out var table_) ? table_.Phases : [];
            var index = Math.Max(0, phases.ToList().IndexOf(b.Phase));
            var total = Math.Max(1, phases.Count - 2); // the terminal and error phases are not steps
            var done = status == RunStatus.Succeeded ? total : Math.Min(index, total);
            var bar = new string('█', done * 12 / total).PadRight(12, '░');
            var took = (b.Run?.EndedAt ?? DateTimeOffset.UtcNow) - (b.Run?.StartedAt ?? DateTimeOffset.UtcNow);
            table.AddRow(Styles.E(b.Id), Styles.Phase(b.Phase), status == RunStatus.Failed ? $"[red]{bar}[/]" : $"[blue]{bar}[/]", Styles.Status(status), Styles.E(Units.Duration(took)));
        }

        var rows = new List<Spectre.Console.Rendering.IRenderable> { table };
        rows.AddRange(_log.TakeLast(5).Select(l => new Markup(l)));
        _live.UpdateTarget(new Rows(rows));
        _live.Refresh();
    }
}
