using System.Diagnostics;

namespace P2P.Cli.Tests;

/// <summary>
/// The dotnet tool package: `dotnet pack src/Cli` then `dotnet tool install --tool-path` from that folder alone
/// (a nuget.config that clears every other source) gives a `p2p` executable that runs. Never a global install.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    [Trait("Category", "Long")]
    public async Task Pack_ToolInstallPutsP2pInTheToolPath()
    {
        var root = RepoRoot();
        var packages = _dir.Combine("packages");
        var pack = await Dotnet("pack", Path.Combine(root, "src", "Cli"), "-c", "Release", "-o", packages, "-nologo");
        Assert.True(pack.Code == 0, pack.Output);
        Assert.Single(Directory.GetFiles(packages, "P2P.Cli.*.nupkg"));

        var config = _dir.Combine("nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var tools = _dir.Combine("tools");
        var install = await Dotnet("tool", "install", "--tool-path", tools, "--configfile", config, "P2P.Cli");
        Assert.True(install.Code == 0, install.Output);

        var p2p = Path.Combine(tools, "p2p");
        Assert.True(File.Exists(p2p), $"{p2p} was not installed");
        var version = await Run(p2p, "--version");
        Assert.True(version.Code == 0, version.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "P2P.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("P2P.sln not found above the test binaries");
    }

    private static Task<(int Code, string Output)> Dotnet(params string[] args) => Run("dotnet", args);

    private static async Task<(int Code, string Output)> Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
