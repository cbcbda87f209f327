using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using P2P.Node.Naming;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's `key` RPC (core/commands/keystore.go): <c>key/gen</c>, <c>key/ls</c> (and the older <c>key/list</c>),
/// <c>key/rm</c>, <c>key/rename</c> and <c>key/import</c>, with kubo's arguments and answers (<c>{"Name","Id"}</c>,
/// <c>{"Keys":[…]}</c>, <c>{"Was","Now","Id","Overwrite"}</c>) and <c>ipns-base</c> for the ids. There is no
/// <c>key/export</c>: kubo marks it NoRemote so a private key never travels over the API, and the CLI reads the
/// keystore itself (read-only, safe beside a running daemon).
/// </summary>
public static class KeyEndpoints
{
    /// <summary>Largest key file accepted by import: a PEM Ed25519 key is 119 bytes, the cap leaves room for others to be refused by type.</summary>
    private const int MaxImportSize = Libp2pKey.MaxEncodedLength;

    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var keys = KeyStore.Open(daemon.Local.Repo);
        api.MapPost("/key/gen", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var info = keys.Generate(ApiJson.Arg(request), request.Query["type"].FirstOrDefault() is { Length: > 0 } type ? type : "ed25519");
            return Task.FromResult(ApiJson.Ok(Output(info, request)));
        }));
        api.MapPost("/key/ls", (HttpRequest request) => ApiJson.Guard(() => Task.FromResult(List(keys.List(), request))));
        api.MapPost("/key/list", (HttpRequest request) => ApiJson.Guard(() => Task.FromResult(List(keys.List(), request))));
        api.MapPost("/key/rm", (HttpRequest request) => ApiJson.Guard(() =>
            Task.FromResult(List(ApiJson.Args(request).Select(keys.Remove).ToList(), request))));
        api.MapPost("/key/rename", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var args = request.Query["arg"].Select(a => a ?? "").ToList();
            if (args.Count != 2)
                throw new ArgumentException("key rename takes the key's name and its new name");
            var (info, overwritten) = keys.Rename(args[0], args[1], ApiJson.Flag(request, "force", false));
            return Task.FromResult(ApiJson.Ok(new { Was = args[0], Now = args[1], Id = Id(info, request), Overwrite = overwritten }));
        }));
        api.MapPost("/key/import", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var name = ApiJson.Arg(request);
            var format = request.Query["format"].FirstOrDefault() is { Length: > 0 } f ? f : KeyFormats.Libp2pProtobuf;
            var info = keys.Import(name, await ReadKeyFileAsync(request, ct), format);
            return ApiJson.Ok(Output(info, request));
        }));
    }

    private static object Output(KeyInfo info, HttpRequest request) => new { info.Name, Id = Id(info, request) };

    private static IResult List(IReadOnlyList<KeyInfo> keys, HttpRequest request) =>
        ApiJson.Ok(new { Keys = keys.Select(k => Output(k, request)).ToList() });

    private static string Id(KeyInfo info, HttpRequest request) => KeyFormats.FormatId(info.IpnsName, request.Query["ipns-base"].FirstOrDefault());

    /// <summary>The key file: the first part of a multipart body (how kubo's clients send files) or the raw body, bounded.</summary>
    private static async Task<byte[]> ReadKeyFileAsync(HttpRequest request, CancellationToken ct)
    {
        var body = request.Body;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).Value!, request.Body);
            body = (await reader.ReadNextSectionAsync(ct))?.Body ?? throw new ArgumentException("argument \"key\" is required");
        }
        var buffer = new byte[MaxImportSize + 1];
        var n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxImportSize)
            throw new ArgumentException($"key file is larger than {MaxImportSize} bytes");
        if (n == 0)
            throw new ArgumentException("argument \"key\" is required");
        return buffer[..n];
    }
}
