; Inno Setup 6 script for Sharewise-<version>-setup.exe: a per-user install that needs no
; administrator rights, for nursery office PCs. See docs/packaging.md.
;
; Build on Windows, from the repository's top folder, after the bundle exists (dist\sharewise,
; made by `pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\sharewise.spec`):
;
;   iscc /DAppVersion=0.1.0 installer\windows\sharewise.iss
;
; AppVersion must be the version in pyproject.toml (the only place it is written); a release
; script reads it from there. The setup program is written to dist\Sharewise-0.1.0-setup.exe.
; BundleDir may be given too (/DBundleDir=C:\path\to\dist\sharewise) if the bundle is elsewhere.
;
; This script has not been compiled on the Linux machine the project is built on: iscc runs on
; Windows only. Check it there before the first release (docs/packaging.md lists what to try).

#ifndef AppVersion
  #error Give the version from pyproject.toml: iscc /DAppVersion=X.Y.Z installer\windows\sharewise.iss
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\sharewise"
#endif

[Setup]
; The AppId identifies Sharewise to Windows across versions: never change it, or an upgrade
; installs a second copy beside the first.
AppId={{6F1D2C74-3B8E-4C57-9A0B-5E2D7C1F4A93}
AppName=Sharewise
AppVersion={#AppVersion}
AppVerName=Sharewise {#AppVersion}
AppPublisher=Sharewise developers
VersionInfoVersion={#AppVersion}
VersionInfoProductName=Sharewise
VersionInfoDescription=Sharewise setup
; Per-user: installs into the person's own folders, so no administrator password is needed.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\Sharewise
DefaultGroupName=Sharewise
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=Sharewise-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\sharewise.ico
UninstallDisplayIcon={app}\sharewise.exe
UninstallDisplayName=Sharewise
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Sharewise must be closed before its files are replaced or removed.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: sharewise.exe, sharewise-admin.exe and _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; With PrivilegesRequired=lowest, {autoprograms} and {autodesktop} are the person's own Start
; menu and desktop.
Name: "{autoprograms}\Sharewise"; Filename: "{app}\sharewise.exe"; Comment: "Safeguarding records"
Name: "{autodesktop}\Sharewise"; Filename: "{app}\sharewise.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\sharewise.exe"; Description: "{cm:LaunchProgram,Sharewise}"; Flags: nowait postinstall skipifsilent

[Code]
// The uninstaller removes the program only. The records and backups in the data folder stay
// unless the person says otherwise, and the question defaults to No: a nursery may be moving
// to a new PC or reinstalling, and an unrecoverable loss of safeguarding records is far worse
// than a folder left behind. A silent uninstall (/SILENT, /VERYSILENT) never deletes them.

var
  DeleteData: Boolean;

// Sharewise's data folder: appdirs puts the records in %LOCALAPPDATA%\Sharewise\Sharewise
// (app/data_folder.py), so the whole %LOCALAPPDATA%\Sharewise folder is Sharewise's own.
function DataFolder(): String;
begin
  Result := ExpandConstant('{localappdata}\Sharewise');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    DeleteData := False;
    if UninstallSilent() or not DirExists(DataFolder()) then
      Exit;
    DeleteData := MsgBox(
      'Also delete my data?' + #13#10#13#10 +
      'Sharewise is being removed. Your records are kept unless you choose Yes.' + #13#10#13#10 +
      'Yes deletes the folder ' + DataFolder() + ' for good: every child''s record, ' +
      'concern and sharing decision, the audit log, and the backups kept in that folder. ' +
      'They cannot be recovered afterwards unless you have a backup somewhere else ' +
      '(a USB stick or another computer).' + #13#10#13#10 +
      'If Sharewise was set up to keep the records in another folder, that folder is not ' +
      'touched.' + #13#10#13#10 +
      'Choose No (recommended) to keep the records, for example to install Sharewise again ' +
      'or to move to a new computer.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  end;
  if (CurUninstallStep = usPostUninstall) and DeleteData then
  begin
    if not DelTree(DataFolder(), True, True, True) then
      MsgBox('Some of the data folder could not be deleted (perhaps Sharewise is still open): ' +
        DataFolder() + '. Close Sharewise and delete it yourself if you meant to.',
        mbError, MB_OK);
  end;
end;
