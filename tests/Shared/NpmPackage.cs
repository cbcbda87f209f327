using System.Diagnostics;

namespace P2P.Tests.Interop;

/// <summary>
/// Node and one npm package for the interop tests that drive a daemon with another project's JavaScript client:
/// the package is installed once per machine into a folder under the temp directory (node_modules is never
/// committed); a test without node or npm, or whose install fails, is skipped with the reason, and failed under
/// CI=true (scripts/test.sh installs nodejs and npm). One source file compiled into each test project that runs
/// JavaScript (tests/Shared).
/// </summary>
internal static class NpmPackage
{
    /// <summary>
    /// The folder holding node_modules with <paramref name="package"/> at <paramref name="version"/>;
    /// <paramref name="test"/> names the test in the CI failure.
    /// </summary>
    public static Task<string> InstallAsync(string package, string version, string test, CancellationToken ct) =>
        InstallAsync($"{package.Replace('@', '-').Replace('/', '-').Trim('-')}-{version}", [$"{package}@{version}"], package, test, ct);

    /// <summary>
    /// The folder <c>p2p-<paramref name="cacheName"/></c> under the temp directory holding node_modules with every
    /// one of <paramref name="packages"/> (name@version), installed when <paramref name="markerPackage"/> is not there yet.
    /// </summary>
    public static async Task<string> InstallAsync(string cacheName, IReadOnlyList<string> packages, string markerPackage, string test, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"p2p-{cacheName}");
        var marker = Path.Combine([dir, "node_modules", .. markerPackage.Split('/'), "package.json"]);
        if (File.Exists(marker) && await RunAsync("node", ["--version"], dir, ct) is (0, _))
            return dir;
        var missing = new List<string>();
        foreach (var tool in new[] { "node", "npm" })
        {
            if (await RunAsync(tool, ["--version"], Path.GetTempPath(), ct) is not (0, _))
                missing.Add(tool);
        }
        SkipOrFail(missing.Count > 0, test, $"{string.Join(" and ", missing)} not installed (scripts/test.sh installs nodejs and npm)");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "package.json"), "{ \"name\": \"p2p-interop-cache\", \"private\": true }\n", ct);
        var (code, output) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", .. packages], dir, ct);
        SkipOrFail(code != 0, test, $"npm could not install {string.Join(' ', packages)}: {output.Split('\n').FirstOrDefault(l => l.Contains("ERR", StringComparison.Ordinal)) ?? output}");
        return dir;
    }

    /// <summary>The interop script <paramref name="file"/> under tests/interop/<paramref name="folder"/> in the source tree.</summary>
    public static string Script(string folder, string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "interop", folder, file)))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException($"tests/interop/{folder} not found"), "tests", "interop", folder, file);
    }

    private static void SkipOrFail(bool missing, string test, string reason)
    {
        if (!missing)
            return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must run the {test} test, but: {reason}");
        Skip.If(true, reason);
    }

    /// <summary>Runs a tool to its end (bounded by <paramref name="ct"/>); -1 when it cannot be started.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string name, string[] args, string workDir, CancellationToken ct, params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        foreach (var (key, value) in env)
            psi.Environment[key] = value;
        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, $"{name} not found");
        }
        if (process is null)
            return (-1, $"{name} did not start");
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
