"""What each role lets an officer do, in a sentence each (shown on the officer's home page)."""

from __future__ import annotations

from wbs_contracts.roles import Role
from wbs_directory.domain.messages import N_

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.PETUGAS_PENGADUAN: N_("Mencatat dan mendaftarkan laporan dari semua saluran."),
    Role.PIMPINAN_SATKER: N_("Mendisposisikan laporan yang masuk ke satuan kerja."),
    Role.PENELAAH: N_("Menelaah laporan dan menyiapkan hasil telaah."),
    Role.KETUA_TIM: N_("Menugaskan penelaah dan auditor, dan menyetujui keputusan."),
    Role.AUDITOR: N_("Melaksanakan audit investigasi atas kasus yang ditugaskan."),
    Role.CUSTODIAN: N_("Memutuskan permintaan membuka identitas pelapor."),
    Role.PIMPINAN_DAERAH: N_("Menyetujui pelimpahan ke APH atau KPK dan publikasi."),
    Role.ADMINISTRATOR: N_("Mengatur konfigurasi dan akun petugas instansi ini dan instansi di bawahnya."),
    Role.OPERATOR: N_("Memantau antrean dan surat mati (dead letter), tanpa melihat isi kasus."),
    Role.AGENCY_SUBSCRIBER: N_("Menerima pelimpahan yang ditujukan kepada instansinya, dan tidak lebih."),
}
