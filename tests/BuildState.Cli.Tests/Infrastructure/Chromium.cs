using System.Diagnostics;

namespace BuildState.Cli.Tests.Infrastructure;

/// <summary>Headless Chromium (Debian's `chromium`): the DOM after scripts ran, and screenshots.</summary>
public static class Chromium
{
    public static string? Path => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static string DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom", "--virtual-time-budget=2000");

    public static void Screenshot(string htmlFile, string png, int width = 1400, int height = 1100) =>
        Run(htmlFile, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars");

    private static string Run(string htmlFile, params string[] args)
    {
        var profile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bs-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium)"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(new Uri(htmlFile).AbsoluteUri);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(90_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in 90 s: " + stderr.Result);
            }

            return stdout.Result;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
