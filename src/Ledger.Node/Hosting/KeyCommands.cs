using Ledger.Core.Errors;
using Ledger.Sdk.Keys;

namespace Ledger.Node.Hosting;

/// <summary>
/// <c>ledger-node keys init --file FILE [--password-env VAR] [--kdf light|default|strong]</c> creates a node's encrypted
/// key store (operator key + encryption key) and its TLS certificate beside it (<c>FILE.tls.p12</c> with the extension
/// replaced), and prints the public parts to register on chain (operator, encryption key, TLS pin);
/// <c>ledger-node keys show --file FILE</c> prints them again (the TLS pins when the password is set).
/// TLS alone: <c>keys tls-init</c> makes the certificate of an existing key store, <c>keys tls-next</c> the next one of a
/// rotation (register both pins, then) <c>keys tls-switch</c> puts it in place — a running node picks it up.
/// The password is read from the environment variable (default LEDGER_KEYSTORE_PASSWORD), never from the command
/// line. Exit codes: 0 done, 2 unusable input.
/// </summary>
public static class KeyCommands
{
    /// <summary>True when the arguments are a <c>keys</c> command.</summary>
    public static bool IsKeyCommand(string[] args) => args is ["keys", ..];

    /// <summary>Runs a <c>keys</c> command; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        const string usage = "usage: ledger-node keys init --file FILE [--password-env VAR] [--kdf light|default|strong] [--org CODE] | ledger-node keys show --file FILE [--password-env VAR] | ledger-node keys tls-init|tls-next|tls-switch --file FILE [--password-env VAR] [--org CODE]";
        if (args.Length < 2 || args[1] is not ("init" or "show" or "tls-init" or "tls-next" or "tls-switch"))
        {
            error.WriteLine(usage);
            return 2;
        }
        string? file = null;
        var passwordEnv = NodeKeyStore.DefaultPasswordVariable;
        var kdf = KeyStoreKdf.Default;
        var org = "ledger-node";
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--file" when value is not null:
                    file = value;
                    i++;
                    break;
                case "--password-env" when value is not null:
                    passwordEnv = value;
                    i++;
                    break;
                case "--org" when value is not null:
                    org = value;
                    i++;
                    break;
                case "--kdf" when value is "light" or "default" or "strong":
                    kdf = value switch { "light" => KeyStoreKdf.Light, "strong" => KeyStoreKdf.Strong, _ => KeyStoreKdf.Default };
                    i++;
                    break;
                default:
                    error.WriteLine($"Unknown or incomplete option '{args[i]}'. {usage}");
                    return 2;
            }
        }
        if (file is null)
        {
            error.WriteLine($"--file is required. {usage}");
            return 2;
        }
        try
        {
            var password = Environment.GetEnvironmentVariable(passwordEnv);
            switch (args[1])
            {
                case "init":
                {
                    using var keys = NodeKeyStore.Create(file, password ?? "", kdf);
                    var pin = NodeTlsCertificates.Create(NodeTlsCertificates.CurrentFile(file), password ?? "", org);
                    Print(output, file, keys.Operator.ToString(), keys.Encryption.PublicKey.ToArray());
                    output.WriteLine($"tls-pin        {pin}");
                    break;
                }
                case "show":
                {
                    var (account, encryption) = NodeKeyStore.ReadPublic(file);
                    Print(output, file, account.ToString(), encryption);
                    if (!string.IsNullOrEmpty(password))
                    {
                        foreach (var (label, tlsFile) in new[] { ("tls-pin", NodeTlsCertificates.CurrentFile(file)), ("tls-pin-next", NodeTlsCertificates.NextFile(file)) })
                        {
                            if (File.Exists(tlsFile))
                            {
                                output.WriteLine($"{label,-14} {NodeTlsCertificates.PinOf(tlsFile, password)}");
                            }
                        }
                    }
                    break;
                }
                case "tls-init":
                    _ = NodeKeyStore.ReadPublic(file);
                    output.WriteLine($"tls-pin        {NodeTlsCertificates.Create(NodeTlsCertificates.CurrentFile(file), password ?? "", org)}");
                    break;
                case "tls-next":
                {
                    _ = NodeKeyStore.ReadPublic(file);
                    var current = NodeTlsCertificates.PinOf(NodeTlsCertificates.CurrentFile(file), password);
                    var next = NodeTlsCertificates.Create(NodeTlsCertificates.NextFile(file), password ?? "", org);
                    output.WriteLine($"tls-pin        {current}");
                    output.WriteLine($"tls-pin-next   {next}");
                    output.WriteLine($"Register both pins (changeTlsPins [{current}, {next}]), then run `ledger-node keys tls-switch --file {file}`, then register the next pin alone.");
                    break;
                }
                default: // tls-switch
                {
                    var next = NodeTlsCertificates.PinOf(NodeTlsCertificates.NextFile(file), password);
                    NodeTlsCertificates.Switch(file);
                    output.WriteLine($"tls-pin        {next}");
                    output.WriteLine("The node presents this certificate from its next handshake on; once it does, register this pin alone (changeTlsPins).");
                    break;
                }
            }
            return 0;
        }
        catch (LedgerException ex)
        {
            error.WriteLine($"{ex.Code}: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"The key store {file} cannot be written: {ex.Message}");
            return 2;
        }
    }

    private static void Print(TextWriter output, string file, string account, byte[] encryptionKey)
    {
        output.WriteLine($"keystore       {Path.GetFullPath(file)}");
        output.WriteLine($"operator       {account}");
        output.WriteLine($"encryption-key 0x{Convert.ToHexStringLower(encryptionKey)}");
    }
}
