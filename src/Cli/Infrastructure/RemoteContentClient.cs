using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using P2P.Cli.Commands;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// `add`, `cat`, `get` and `ls` sent to a running daemon (which holds the repo lock). Arguments are read by their
/// option names from the same parse the offline command would use, and the output is printed in the same forms,
/// so a script cannot tell whether a daemon answered.
/// </summary>
internal static class RemoteContentClient
{
    public static async Task<int> AddAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var recursive = parse.GetValue<bool>("--recursive");
        var cidVersion = parse.GetValue<int?>("--cid-version");
        var rawLeaves = parse.GetValue<bool?>("--raw-leaves");
        var chunker = parse.GetValue<string?>("--chunker");
        var maxLinks = parse.GetValue<int?>("--max-links");
        var hash = parse.GetValue<string>("--hash") ?? "sha2-256";
        var profile = parse.GetValue<string?>("--profile");
        var hidden = parse.GetValue<bool>("--hidden");
        // Same checks as offline, so a bad option is a usage error before anything is sent.
        AddCommand.BuildOptions(profile, cidVersion, rawLeaves, chunker, maxLinks, hash, onlyHash: false, hidden);
        var inputs = parse.GetValue<string[]>("path")!;
        foreach (var p in inputs)
        {
            if (Directory.Exists(p) && !recursive)
                throw new CliException($"{p} is a directory: use -r to add it recursively", ExitCodes.Usage);
            if (!File.Exists(p) && !Directory.Exists(p))
                throw new FileNotFoundException($"{p}: no such file or directory", p);
        }
        var query = new List<KeyValuePair<string, string>>
        {
            new("pin", parse.GetValue<bool>("--pin") ? "true" : "false"),
            new("hash", hash),
            new("hidden", hidden ? "true" : "false"),
        };
        if (cidVersion is { } v) query.Add(new("cid-version", v.ToString(CultureInfo.InvariantCulture)));
        if (rawLeaves is { } raw) query.Add(new("raw-leaves", raw ? "true" : "false"));
        if (chunker is not null) query.Add(new("chunker", chunker));
        if (maxLinks is { } links) query.Add(new("max-links", links.ToString(CultureInfo.InvariantCulture)));
        if (profile is not null) query.Add(new("profile", profile));

        using var body = new MultipartFormDataContent();
        var opened = new List<Stream>();
        try
        {
            foreach (var p in inputs)
                AddParts(body, Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)), null, opened);
            var output = Output.For(parse);
            var quiet = parse.GetValue<bool>("--quiet");
            var quieter = parse.GetValue<bool>("--quieter");
            string? last = null;
            await foreach (var line in daemon.PostLinesAsync("add", query, ct, body))
            {
                var name = line.GetProperty("Name").GetString()!;
                var cid = line.GetProperty("Hash").GetString()!;
                last = cid;
                if (!quieter)
                    output.Write(quiet ? cid : $"added {cid} {name}", new { Name = name, Hash = cid, Size = line.GetProperty("Size").GetString() });
            }
            if (quieter && last is not null)
                output.Write(last, new { Hash = last });
        }
        finally
        {
            foreach (var stream in opened)
                await stream.DisposeAsync();
        }
        return ExitCodes.Ok;
    }

    /// <summary>kubo's multipart layout: one part per file and per directory, named by its escaped relative path.</summary>
    private static void AddParts(MultipartFormDataContent body, string path, string? parent, List<Stream> opened)
    {
        var name = parent is null ? Path.GetFileName(path) : $"{parent}/{Path.GetFileName(path)}";
        var escaped = Uri.EscapeDataString(name);
        if (Directory.Exists(path))
        {
            var dir = new ByteArrayContent([]);
            dir.Headers.ContentType = new MediaTypeHeaderValue("application/x-directory");
            body.Add(dir, "file", escaped);
            foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                AddParts(body, child, name, opened);
            return;
        }
        var stream = File.OpenRead(path);
        opened.Add(stream);
        var file = new StreamContent(stream, 1 << 16);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Add(file, "file", escaped);
    }

    public static async Task<int> CatAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var offset = parse.GetValue<long>("--offset");
        var length = parse.GetValue<long?>("--length");
        if (offset < 0 || length is < 0)
            throw new CliException("--offset and --length must not be negative", ExitCodes.Usage);
        var target = parse.GetValue<string>("cid")!;
        PathArgument.Validate(target);
        var query = new List<KeyValuePair<string, string>> { new("arg", target), new("offset", offset.ToString(CultureInfo.InvariantCulture)) };
        if (length is { } l)
            query.Add(new("length", l.ToString(CultureInfo.InvariantCulture)));
        using var response = await daemon.PostStreamAsync("cat", query, ct);
        await using var stdout = Console.OpenStandardOutput();
        await response.Content.CopyToAsync(stdout, ct);
        return ExitCodes.Ok;
    }

    public static async Task<int> LsAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var target = parse.GetValue<string>("cid")!;
        PathArgument.Validate(target);
        var answer = await daemon.PostJsonAsync("ls", [new("arg", target)], ct);
        var output = Output.For(parse);
        foreach (var link in answer.GetProperty("Objects")[0].GetProperty("Links").EnumerateArray())
        {
            var isDir = link.GetProperty("Type").GetInt32() == 1;
            var size = link.GetProperty("Size").GetInt64();
            var name = link.GetProperty("Name").GetString();
            var cid = link.GetProperty("Hash").GetString();
            output.Write($"{cid} {(isDir ? "-" : size.ToString(CultureInfo.InvariantCulture))} {name}{(isDir ? "/" : "")}",
                new { Hash = cid, Name = name, Size = size, Type = isDir ? 1 : 2 });
        }
        return ExitCodes.Ok;
    }

    public static async Task<int> GetAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var target = parse.GetValue<string>("cid")!;
        PathArgument.Validate(target);
        var destination = Path.GetFullPath(parse.GetValue<string?>("--output") ?? target.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1]);
        if (File.Exists(destination) || Directory.Exists(destination))
            throw new CliException($"{destination} already exists");
        var stat = await daemon.PostJsonAsync("files/stat", [new("arg", target)], ct);
        var cid = stat.GetProperty("Hash").GetString()!;
        var type = stat.GetProperty("Type").GetString()!;
        var temp = TempOutput.For(destination);
        var total = type == "directory" ? stat.GetProperty("CumulativeSize").GetInt64() : stat.GetProperty("Size").GetInt64();
        using var bar = new ProgressBar("fetching", total, parse.GetValue<bool>("--progress") || !Console.IsErrorRedirected);
        try
        {
            await using (await PeerCountPoller.StartAsync(daemon, bar, ct))
                await ExportAsync(daemon, cid, type, temp, bar, ct);
            if (Directory.Exists(temp))
                Directory.Move(temp, destination);
            else
                File.Move(temp, destination);
        }
        catch
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
            else
                File.Delete(temp);
            throw;
        }
        Output.For(parse).Write($"saved {cid} to {destination}", new { Hash = cid, Path = destination });
        return ExitCodes.Ok;
    }

    private static async Task ExportAsync(DaemonClient daemon, string cid, string type, string destination, ProgressBar bar, CancellationToken ct)
    {
        if (type != "directory")
        {
            using var response = await daemon.PostStreamAsync("cat", [new("arg", cid)], ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, n), ct);
                bar.Report(n);
            }
            return;
        }
        Directory.CreateDirectory(destination);
        var answer = await daemon.PostJsonAsync("ls", [new("arg", cid)], ct);
        foreach (var link in answer.GetProperty("Objects")[0].GetProperty("Links").EnumerateArray())
        {
            var name = link.GetProperty("Name").GetString() ?? "";
            // A hostile directory must not write outside the destination.
            if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\\'))
                throw new CliException($"directory {cid} has an unsafe entry name '{name}'", ExitCodes.Corrupt);
            var isDir = link.GetProperty("Type").GetInt32() == 1;
            await ExportAsync(daemon, link.GetProperty("Hash").GetString()!, isDir ? "directory" : "file", Path.Join(destination, name), bar, ct);
        }
    }
}
