# Aplicación web de Recobro, mensajes en español. Cada mensaje tiene su
# equivalente en inglés en ../en/main.ftl; una prueba falla si falta uno.

## Navegación y estructura
nav-skip = Ir al contenido
nav-label = Navegación principal
nav-dashboard = Tablero
nav-customers = Clientes
nav-worklist = Agenda de gestiones
nav-problem-cases = Cartera problema
nav-legal-candidates = Cobranza judicial
nav-import = Importar
nav-portfolios = Carteras
nav-language = Idioma
nav-language-apply = Cambiar
nav-logout = Cerrar sesión
as-of = Al { $date }
filter-all = Todos
filter-apply = Aplicar
pager-label = Páginas
pager-first = Primera página
pager-next = Página siguiente

## Inicio de sesión
login-title = Iniciar sesión
login-username = Usuario
login-password = Contraseña
login-submit = Entrar
login-failed = El usuario o la contraseña no son correctos.
login-too-many = Demasiados intentos fallidos. Espere 15 minutos y vuelva a intentarlo.

## Errores
error-title = Algo salió mal
error-home = Volver a la página de inicio
error-unauthenticated = Inicie sesión para continuar.
error-forbidden = No tiene permiso para ver o cambiar esto.
error-not-found = No se encontró la página o el registro.
error-csrf = El formulario caducó o no proviene de este sitio. Recargue la página y envíelo de nuevo.
error-bad-request = La solicitud no es válida.
error-too-many-attempts = Demasiados intentos fallidos. Espere 15 minutos y vuelva a intentarlo.
error-internal = Ocurrió un error interno. Los detalles están en el registro del servidor.

## Carteras
portfolios-title = Carteras
portfolios-empty = Todavía no hay carteras. Cree una desde la línea de comandos: recobro portfolio add.
portfolios-code = Código
portfolios-name = Nombre
portfolios-currency = Moneda

## Tablero
dashboard-figures = Cifras clave
dashboard-total = Saldo total
dashboard-overdue = Saldo vencido
dashboard-customers = Clientes con saldo
dashboard-problem-cases = Cartera problema (90+ días)
dashboard-legal-candidates = Candidatos a cobranza judicial (121+ días)
dashboard-open-cases = Casos abiertos
dashboard-aging = Reporte de antigüedad de saldos
dashboard-aging-chart = Saldo por días de mora
dashboard-runs = Procesos diarios
dashboard-no-runs = Aún no hay proceso diario. Ejecute uno con: recobro run --portfolio CÓDIGO --as-of FECHA.
aging-bucket = Días de mora
aging-items = Partidas abiertas
aging-amount = Importe
aging-unapplied = Pagos no aplicados
aging-total = Total
runs-date = Fecha
runs-tasks = Tareas creadas
runs-duration = Duración (ms)

## Lista de clientes
customers-title = Clientes
customers-search = Nombre o referencia
customers-bucket = Días de mora
customers-stage = Etapa
customers-collector = Gestor de cobranza
customers-segment = Segmento
customers-sort = Ordenar por
customers-empty = Ningún cliente coincide con estos filtros.
customers-count = { $count } clientes

## Ficha del cliente
customer-reference = Referencia
customer-name = Cliente
customer-status = Relación comercial
customer-region = Región
customer-channel = Canal preferido
customer-email = Correo electrónico
customer-phone = Teléfono
customer-tax-id = Identificación fiscal
customer-log-action = Registrar una gestión de cobranza
case-title = Caso de cobranza
case-none = Este cliente no tiene un caso de cobranza abierto.
case-days-past-due = Días de mora
case-overdue = Saldo vencido
case-balance = Saldo
case-next-action = Próxima gestión
documents-open = Documentos abiertos
documents-none-open = No hay documentos abiertos.
documents-settled = Documentos pagados
documents-none-settled = No hay documentos pagados.
document-number = Número
document-kind = Tipo
document-issued = Emisión
document-due = Vencimiento
document-amount = Importe
document-open = Saldo pendiente
document-dispute = Disputa
document-disputed = En disputa
document-settled-on = Pagado el
payments-title = Pagos y aplicaciones de pago
payments-none = No hay pagos registrados.
payment-reference = Referencia
payment-date = Fecha
payment-allocations = Aplicado a
actions-title = Gestiones de cobranza
actions-none = Todavía no hay gestiones de cobranza registradas.
accounts-title = Cuentas (saldo y días de mora según la entrega)
account-reference = Cuenta
account-snapshot-date = Fecha del corte
account-credit-limit = Límite de crédito

## Registrar una gestión
action-title = Registrar una gestión de cobranza
action-errors = La gestión no se guardó. Corrija lo siguiente:
action-date = Fecha
action-kind = Gestión
action-outcome = Resultado
action-outcome-none = (sin resultado)
action-promise = Promesa de pago
action-promise-hint = Indique el importe y la fecha cuando el cliente promete un pago.
action-promise-amount = Importe
action-promise-date = Fecha prometida
action-dispute = Disputa
action-dispute-hint = Seleccione los documentos en disputa e indique el motivo del cliente. Los documentos en disputa no reciben recordatorios ni escalamiento hasta que se resuelva la disputa.
action-dispute-reason = Motivo
action-notes = Notas
action-next-date = Próxima gestión el
action-save = Guardar gestión
action-cancel = Cancelar
action-error-required = { $field } es obligatorio.
action-error-date = { $field }: «{ $value }» no es una fecha válida.
action-error-choice = { $field }: «{ $value }» no es una de las opciones.
action-error-amount = El importe prometido «{ $value }» no es un importe válido mayor que cero.
action-error-promise-incomplete = Una promesa de pago necesita un importe y una fecha.
action-error-promise-past = La fecha prometida no puede ser anterior a la fecha de la gestión.
action-error-dispute-incomplete = Una disputa necesita el resultado «Disputa», al menos un documento y un motivo.
action-error-next-past = La fecha de la próxima gestión no puede ser anterior a la fecha de la gestión.

## Agenda de gestiones
worklist-title = Agenda de gestiones
worklist-everyone = Todos los gestores
worklist-count = { $count ->
    [one] 1 tarea pendiente
   *[other] { $count } tareas pendientes
}
pager-previous = Página anterior
worklist-empty = No hay nada pendiente. El proceso diario crea las tareas de cada caso.
worklist-priority = Prioridad
worklist-task = Tarea
worklist-due = Vence
worklist-actions = Acciones
worklist-log = Registrar gestión

## Cartera problema y candidatos a cobranza judicial
problem-cases-title = Cartera problema
problem-cases-intro = Clientes con 90 o más días de mora en su documento impago más antiguo que no esté en disputa, con su última y su próxima gestión.
legal-candidates-title = Candidatos a cobranza judicial
legal-candidates-intro = Clientes con más de 120 días de mora: prepare la carta prejudicial y proponga el traspaso a un estudio jurídico.
cases-empty = No hay casos en esta lista.
cases-last-action = Última gestión
cases-no-action = Sin gestiones

## Etiquetas de códigos
bucket-current = Vigente
bucket-1-30 = 1-30 días
bucket-31-60 = 31-60 días
bucket-61-90 = 61-90 días
bucket-91-120 = 91-120 días
bucket-121-plus = Más de 120 días
stage-reminder = Recordatorio
stage-second-reminder = Segundo recordatorio
stage-formal-notice = Aviso formal
stage-problem-case = Cartera problema
stage-judicial-candidate = Candidato a cobranza judicial
task-reminder = Recordatorio
task-call-task = Llamada
task-formal-notice = Aviso formal
task-demand-letter-draft = Borrador de carta prejudicial
task-legal-transfer-proposal = Propuesta de traspaso a cobranza judicial
task-follow-up = Seguimiento
task-broken-promise = Seguimiento de promesa incumplida
task-visit-task = Visita
task-credit-hold = Bloqueo de crédito
channel-visit = Visita
action-call = Llamada
action-email = Correo electrónico
action-letter = Carta
action-sms = SMS
action-visit = Visita
action-note = Nota
action-legal-update = Novedad judicial
outcome-contact = Contacto
outcome-no-contact = Sin contacto
outcome-promise-to-pay = Promesa de pago
outcome-refused = Se niega a pagar
outcome-dispute = Disputa
outcome-wrong-number = Número equivocado
outcome-paid = Dice que pagó
channel-email = Correo electrónico
channel-letter = Carta
channel-sms = SMS
channel-phone = Teléfono
kind-invoice = Factura
kind-debit-note = Nota de débito
kind-credit-note = Nota de crédito
status-active = Activo
status-watch = En observación
status-credit-hold = Bloqueo de crédito
status-do-not-continue = No continuar relación comercial
role-admin = Administrador
role-manager = Jefe de cobranza
role-collector = Gestor de cobranza
role-legal = Abogado
role-viewer = Consulta
sort-days-past-due = Días de mora
sort-balance = Saldo
sort-name = Nombre
sort-reference = Referencia

## Importación
import-title = Importar un archivo
import-intro = Se revisa todo el archivo antes de guardar nada: si alguna fila tiene un error, no se importa nada. Importar de nuevo el mismo archivo no cambia nada.
import-file = Archivo (CSV o XLSX)
import-source = Contenido del archivo
import-source-profiles = Perfiles de mapeo incluidos
import-source-kinds = Un tipo de registro
import-source-hint = Con un tipo de registro, las columnas deben llevar el nombre de los campos, salvo que agregue un perfil de mapeo.
import-mapping = Perfil de mapeo (opcional)
import-mapping-hint = Un archivo TOML que indica qué columna contiene cada campo. Úselo solo con un tipo de registro.
import-submit = Importar
import-not-imported = El archivo no se importó. Corrija lo siguiente:
import-summary = Resultado de la importación
import-done = Se importó { $file } con el perfil { $profile } (filas leídas: { $rows }).
import-nothing-new = { $file } no tenía nada nuevo, así que no se guardó nada (perfil { $profile }, filas leídas: { $rows }).
import-records = Registros
import-created = Creados
import-updated = Actualizados
import-unchanged = Sin cambios
import-rejected = El archivo fue rechazado
import-rejected-intro = No se guardó nada. Corrija estas filas en el archivo e impórtelo de nuevo.
import-more-errors = Errores no listados: { $count }.
import-error-file = Archivo
import-error-line = Línea
import-error-column = Columna
import-error-value = Valor
import-error-problem = Problema
import-error-hint = Qué hacer
import-error-no-file = Elija el archivo que desea importar.
import-error-no-source = Elija un perfil incluido o un tipo de registro.
import-error-unknown-source = «{ $value }» no es una de las opciones.
import-error-mapping-with-profile = Un perfil de mapeo se usa con un tipo de registro, no con un perfil incluido.
import-error-mapping = El perfil de mapeo no es válido: { $detail }
import-error-too-large = El archivo supera el límite de { $limit }. Divídalo e importe las partes.
import-error-unreadable = No se pudo leer el archivo: { $detail }
import-profile-ibm-ar = Muestra de cuentas por cobrar de IBM (ibm-ar)
import-profile-uci-cards = Clientes de tarjetas de crédito UCI (uci-cards)
import-kind-customers = Clientes
import-kind-documents = Documentos
import-kind-payments = Pagos
import-kind-allocations = Aplicaciones de pago
import-kind-disputes = Disputas
import-kind-actions = Gestiones de cobranza
import-kind-snapshot = Corte de cartera
import-kind-snapshot-accounts = Cuentas del corte de cartera

## Política de cobranza
nav-policy = Política
policy-title = Política de cobranza
policy-intro = Las etapas del procedimiento de cobranza por días de mora y las tareas que crea cada etapa. Cada cambio es una versión nueva con fecha de vigencia y queda en el registro de auditoría.
policy-in-force = versión vigente desde el { $date }, definida por { $user }
policy-default = la política predeterminada
policy-saved = La política se guardó. Se aplica desde su fecha de vigencia.
policy-errors = La política no se guardó. Corrija lo siguiente:
policy-simulation-title = Simulación sobre la cartera de hoy
policy-simulation-note = Casos y saldo vencido por etapa con la política vigente y con su propuesta. No se guardó nada.
policy-current = Política vigente
policy-proposed = Propuesta
policy-cases = Casos
policy-unstaged = Vencidos, sin etapa
policy-edit = Editar la política
policy-text = Política (TOML)
policy-text-hint = Un bloque [[stage]] por etapa: code, min_days_past_due, actions y, opcionalmente, owner (collector, manager o legal), segment y min_balance.
policy-effective = Vigente desde
policy-read-only = Solo los jefes de cobranza y los administradores pueden guardar una política; usted puede simularla.
policy-simulate = Simular
policy-save = Guardar como versión nueva
policy-versions = Versiones
policy-no-versions = No se guardó ninguna versión: se aplica la política predeterminada.
policy-set-by = Definida por
policy-set-at = Guardada el
policy-error-date = La fecha de vigencia «{ $value }» no es una fecha válida.
policy-error-past = La fecha de vigencia debe ser posterior al { $date }, la fecha del último proceso diario, para que no cambie ningún proceso pasado.

## Equipo
nav-team = Equipo
team-title = Equipo de cobranza
team-workload = Carga de trabajo por gestor
team-customers = Clientes
team-open-tasks = Tareas pendientes
team-unassigned = (sin asignar)
team-move = Traspasar todos los clientes de un gestor
team-from = De
team-to = A
team-move-submit = Traspasar clientes
team-unassigned-title = Clientes sin asignar
team-none-unassigned = Todos los clientes están asignados.
team-select = Seleccionar
team-assign-submit = Asignar los clientes seleccionados
team-moved = Se asignaron { $count } clientes. Sus tareas pendientes pasaron con ellos.
